"""The language server (`rnn-reuse-lint server`, the `lsp` extra): findings, fixes and explain in editors."""
