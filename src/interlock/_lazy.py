"""Package re-exports that load their module on first use (PEP 562).

A package that re-exports its modules' names (`from interlock.index import IndexClient`) would
otherwise import every one of them as soon as any single module of it is imported: importing
`interlock.index.errors` alone would load the index client and, through it, httpx and hishel.
Each package imports its names under `if TYPE_CHECKING:` for type checkers and readers, lists them
in `__all__`, and tells `lazy_exports` which module each comes from (tests/test_imports.py checks
that the two lists agree).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_exports(package: str, exports: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """The module `__getattr__` of `package`: each name of `exports[module]` is imported from
    `package.module` when it is first asked for, then kept on the package."""
    module_of = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
