"""Three-valued logic: True, False, or None for "unknown".

A rule that turns on a fact the user did not give is unknown, never false; these helpers
keep unknowns unknown through and/or/not (Kleene logic).
"""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None


def all_of(values: Iterable[Tri]) -> Tri:
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def any_of(values: Iterable[Tri]) -> Tri:
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def negate(value: Tri) -> Tri:
    return None if value is None else not value


def show(value: Tri) -> str:
    return {True: "met", False: "not met", None: "unknown"}[value]
