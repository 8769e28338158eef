"""Code that runs inside the tracing child process (Python 3.6+ syntax, TF 1.x and 2.x APIs, TensorFlow allowed)."""
