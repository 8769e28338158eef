"""Code that runs inside the tracing child process (Python 3.6+ syntax, TF 1.x and 2.x APIs, TensorFlow allowed)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
