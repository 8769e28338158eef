"""Abstract evaluation of one module: which objects names hold, which stacks and drivers see which cells."""
from rnn_reuse_lint.evaluate.evaluator import Evaluator

__all__ = ["Evaluator"]
