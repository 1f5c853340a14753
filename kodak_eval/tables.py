"""Plain markdown tables, used both for console output and the .md reports."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table with columns padded to equal width."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(headers), separator, *(line(row) for row in rows)]) + "\n"


def format_number(value: float, digits: int = 2, suffix: str = "") -> str:
    """``value`` with ``digits`` decimals and a suffix, or 'n/a' when it is NaN."""
    if value != value:  # NaN
        return "n/a"
    return f"{value:.{digits}f}{suffix}"
