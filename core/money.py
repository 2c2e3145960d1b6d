"""Amounts of money in Vietnamese đồng, written the Vietnamese way: 20.000.000 ₫ (dots
between thousands, the sign after a space), on every page and in every export, whatever
the reader's language. Exports that hold numbers (Excel) keep the number and use
`XLSX_FORMAT` so that the cell still shows it this way."""

from __future__ import annotations

from typing import Any

NBSP = "\u00a0"  # the sign never wraps away from its amount
XLSX_FORMAT = '#,##0 "₫"'


def vnd(value: Any) -> str:
    """20000000 → "20.000.000 ₫"; None or "" → "" (nothing to show)."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + f"{NBSP}₫"
