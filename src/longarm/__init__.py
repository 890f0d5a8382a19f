"""longarm: US export controls on AI chips (EAR, 15 CFR 730-774) as code, as of any date."""

from longarm.classify import classify
from longarm.errors import DataError, InputError, LongarmError, Problem, UnknownChipError
from longarm.model import Determination, Item, Party, Transaction

__version__ = "0.1.0"

__all__ = [
    "classify",
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
