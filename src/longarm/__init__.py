"""longarm: US export controls on AI chips (EAR, 15 CFR 730-774) as code, as of any date.

The public names are imported on first use, so that `longarm --help` and commands that do not
need the models or the rules start without loading them. Classification is
`longarm.classify.classify` (`longarm.classify` is the module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from longarm.errors import DataError, InputError, LongarmError, Problem, UnknownChipError

if TYPE_CHECKING:
    from longarm.model import Determination, Item, Party, Transaction

__version__ = "0.1.0"

__all__ = [
    "Determination",
    "Item",
    "Party",
    "Transaction",
    "LongarmError",
    "InputError",
    "UnknownChipError",
    "DataError",
    "Problem",
    "__version__",
]

_LAZY = {
    "Determination": "longarm.model",
    "Item": "longarm.model",
    "Party": "longarm.model",
    "Transaction": "longarm.model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'longarm' has no attribute {name!r}")
