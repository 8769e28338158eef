"""Dynamic mode: trace real TensorFlow variable creation in a sandboxed child process (TensorFlow is imported only there)."""
