"""Code that runs inside the tracing child process (Python 3.6+ syntax, TF 1.x and 2.x APIs, TensorFlow allowed)."""
# mypy: ignore-errors
# (child code: Python 3.6 syntax and untyped on purpose; it never runs in the parent)
