"""How the report writes a date (kept apart from `data` so the writers' modules import nothing heavy)."""

from __future__ import annotations

from datetime import date


def long_date(value: date | None) -> str:
    """27 March 2025 (UK style, no leading zero); '' for None."""
    return f"{value.day} {value:%B %Y}" if value else ""


__all__ = ["long_date"]
