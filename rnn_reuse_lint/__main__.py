"""`python -m rnn_reuse_lint` runs the command-line tool."""
from __future__ import annotations

from rnn_reuse_lint.cli import main

raise SystemExit(main())
