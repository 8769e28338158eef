"""Python 2's implicit relative imports: inside a package, `from TDNN import TDNN` means the package's own TDNN."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
#
# The traced file's folder is on sys.path, so Python 3 finds pkg/TDNN.py as a top-level module `TDNN`: a second
# copy of pkg.TDNN. When pkg/__init__.py imports its modules that way and one of them imports the package back
# (`from .ops import x`), the two copies meet half-initialized and the import fails as a cycle Python 2 never had.
import importlib.machinery
import os
import sys


def package_name(folder):
    """The dotted name of the package a folder is (its chain of __init__.py folders), or None."""
    parts = []
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        parts.append(os.path.basename(folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return ".".join(reversed(parts)) or None


class ImplicitRelative(object):
    """Wrap an __import__: an absolute import made by a module of an imported package, of a name that only that
    package's folder holds, imports the package's module instead (what Python 2 did first)."""

    def __init__(self, real_import, folders=()):
        self.real_import = real_import
        self.folders = list(folders)   # the project's own folders, served before sys.path (runner._UserDirFinder)
        self.decided = {}     # (folder, top name) -> the package to import it from, or None
        self.only_here = {}   # (folder, top name) -> whether only that folder offers the module

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        package = self._package(name, globals) if level == 0 and name else None
        if package is None:
            return self.real_import(name, globals, locals, fromlist, level)
        module = self.real_import(package + "." + name, globals, locals, fromlist, 0)
        # `import TDNN` binds the package's TDNN; `from TDNN import x` takes x from it
        return module if fromlist else sys.modules[package + "." + name.split(".")[0]]

    def _package(self, name, globals):
        path = (globals or {}).get("__file__")
        if not isinstance(path, str):
            return None
        folder = os.path.dirname(os.path.abspath(path))
        top = name.split(".")[0]
        # Python 2 read the name relative to the package the importer was imported as: a `classifiers/` that a
        # project imports top-level (its parent folder is on the path) is `classifiers`, even when that parent
        # holds an __init__.py too (the folder chain's `src.classifiers` was never imported)
        own = _own_package(globals, folder)
        if own is not None and self._module_in(folder, top):
            return own
        key = (folder, top)
        if key not in self.decided:
            self.decided[key] = self._decide(folder, top)
        package = self.decided[key]
        # only once the package itself is being imported (a script run from inside the folder imports its
        # neighbours top-level, in Python 2 and 3 alike)
        return package if package is not None and package in sys.modules else None

    def _module_in(self, folder, top):
        """Whether the folder holds a module `top` that no other folder of sys.path offers (cached)."""
        key = (folder, top)
        if key not in self.only_here:
            self.only_here[key] = _only_here(folder, top, self.folders)
        return self.only_here[key]

    def _decide(self, folder, top):
        package = package_name(folder)
        if package is None or not _only_here(folder, top, self.folders):
            return None
        return package


def _only_here(folder, top, folders=()):
    """Whether `top` is a module of this folder that nothing else offers: a name importable from elsewhere (an
    installed package of the same name, or the project's own top-level `utils` beside a package's `utils.py`) is
    read the Python 3 way."""
    if top in sys.builtin_module_names:
        return False
    if not (os.path.isfile(os.path.join(folder, top + ".py")) or
            os.path.isfile(os.path.join(folder, top, "__init__.py"))):
        return False
    elsewhere = [p for p in list(folders) + sys.path if os.path.realpath(p or ".") != os.path.realpath(folder)]
    return importlib.machinery.PathFinder.find_spec(top, elsewhere) is None


def _own_package(globals, folder):
    """The package the importing module was imported as (its __name__, as Python 2 read it), when that package is
    imported and is this folder; None for a top-level module or the script itself."""
    name = globals.get("__name__")
    if not isinstance(name, str) or name == "__main__":
        return None
    package = name if "__path__" in globals else name.rpartition(".")[0]
    module = sys.modules.get(package) if package else None
    paths = getattr(module, "__path__", None) or []
    real = os.path.realpath(folder)
    return package if any(os.path.realpath(p) == real for p in paths) else None
