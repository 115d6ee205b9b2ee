"""A list said briefly: its first lines and one that counts the rest (a step's log message or a
metadata table must not grow with the number of counties)."""

from __future__ import annotations


def first(lines: list[str], n: int, more: str = "… and {n} more") -> list[str]:
    """The first `n` lines, then `more` (formatted with n = how many were left out) if any were."""
    rest = len(lines) - n
    return lines[:n] + ([more.format(n=rest)] if rest > 0 else [])
