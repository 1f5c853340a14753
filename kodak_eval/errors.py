"""The one exception of the evaluation tool: a problem the user can fix, shown as one line."""

from __future__ import annotations


class EvalError(Exception):
    """A bad input to the evaluation (missing images, unknown anchor, bad option)."""
