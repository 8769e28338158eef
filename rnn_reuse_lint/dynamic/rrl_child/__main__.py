"""Entry point of the tracing child: `python -I -B .../rrl_child` (any Python >= 3.6, TensorFlow 1.x or 2.x)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import importlib.util
import os
import sys

if __package__ in (None, ""):
    # Run as a directory. Load this folder as the package `rrl_child` without putting it (or rnn_reuse_lint, whose
    # modules need Python 3.9+) on sys.path, so user code cannot import our modules by accident.
    _here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0]) == _here:
        del sys.path[0]
    _spec = importlib.util.spec_from_file_location("rrl_child", os.path.join(_here, "__init__.py"),
                                                   submodule_search_locations=[_here])
    if _spec is None or _spec.loader is None:
        sys.exit("rrl_child: cannot load the package at %s" % _here)
    _pkg = importlib.util.module_from_spec(_spec)
    sys.modules["rrl_child"] = _pkg
    _spec.loader.exec_module(_pkg)
    # the package exists under this name only from the lines above on: import it by name
    main = importlib.import_module("rrl_child.serve").main
else:
    from .serve import main

sys.exit(main())
