"""Exceptions of the codec layer (the container's own error is ``bitstream.FormatError``)."""

from bitstream import FormatError


class CodecError(ValueError):
    """A request the codec cannot serve: unknown model, quality out of range, bad image."""


class ModelMismatchError(FormatError):
    """A stream names a model, or weights, that this installation does not have."""


class ConcealedDamage(UserWarning):
    """``nvc.decode(..., conceal=True)`` filled in part of a damaged stream."""
