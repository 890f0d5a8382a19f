"""Other jurisdictions' measures bearing on a transaction (China's counter-measures).

Informational only: never part of the EAR outcome."""

from __future__ import annotations

from longarm.model import ForeignLawFlag, Transaction


def flags(tx: Transaction) -> list[ForeignLawFlag]:
    """The foreign-law flags for `tx`."""
    return []
