"""The exceptions longarm raises, one hierarchy so callers can catch what they mean.

LongarmError
├── InputError            the caller's input is invalid; carries one Problem per field
│   └── UnknownChipError  a catalogue id that is not in the bundled catalogue
├── DataError             bundled or updated data is inconsistent (a bug or a bad list)
└── StoreError            the store cannot be opened or written: its path and what to do
    ├── StoreUnavailable  the store file cannot be opened (also an OSError: an environment problem)
    └── AuditRefused      the audit log is damaged (or its key is missing): nothing is appended
"""

from __future__ import annotations

from dataclasses import dataclass


class LongarmError(Exception):
    """Base of every error longarm raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One invalid input: the dotted field path and what is wrong with it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InputError(LongarmError, ValueError):
    """Invalid input. `problems` lists every invalid field, not only the first."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class UnknownChipError(InputError):
    """A catalogue id that the bundled catalogue does not hold."""


class DataError(LongarmError):
    """Bundled data (parameters, lists, catalogue) is inconsistent."""


class StoreError(LongarmError):
    """The store (or the audit key beside it) cannot be used; the message names the path and what to do."""


class StoreUnavailable(StoreError, OSError):
    """The store file cannot be opened: a folder, a damaged file, no permission."""


class AuditRefused(StoreError):
    """Appending to a damaged audit log, or without its key, would lose evidence: refused."""
