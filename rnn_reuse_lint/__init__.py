"""rnn-reuse-lint: find accidental weight sharing between TensorFlow RNN layers."""
from __future__ import annotations

__version__ = "0.1.0"
