"""The single exception type raised for malformed nvc streams."""

from __future__ import annotations


class FormatError(ValueError):
    """A byte string is not a valid nvc stream.

    Every reader function in :mod:`bitstream` raises only this exception for bad
    input. Its message is one human-readable line naming what is wrong.
    """
