"""Registry of known chunk types.

A chunk type is 4 ASCII letters. The case of the first letter says what a reader
that does not know the type must do: uppercase = critical (refuse the stream),
lowercase = ancillary (skip it). The container itself owns only HEAD, DONE and the
generic ancillary ``meta``; each codec registers its own payload types with
:func:`register_chunk_types` when it is imported, before any of its streams is read.
"""

from __future__ import annotations

from collections.abc import Mapping

TYPE_SIZE = 4
"""Number of bytes in a chunk type."""

HEAD = b"HEAD"
DONE = b"DONE"
META = b"meta"

CONTAINER_TYPES: dict[bytes, str] = {
    HEAD: "stream header: model name, weights digest, image size, channels, bit depth, quality",
    DONE: "end of stream; empty data; nothing may follow it",
    META: "free-form UTF-8 key=value text, e.g. encoder version; safe to ignore",
}
"""The chunk types the container itself owns."""

CHUNK_TYPES: dict[bytes, str] = dict(CONTAINER_TYPES)
"""Known chunk types mapped to a one-line description: the container's and every registered codec's."""

_UPPER = range(ord("A"), ord("Z") + 1)
_LOWER = range(ord("a"), ord("z") + 1)


def is_valid_chunk_type(chunk_type: object) -> bool:
    """Return True if ``chunk_type`` is ``bytes`` of exactly 4 ASCII letters."""
    return (
        isinstance(chunk_type, bytes)
        and len(chunk_type) == TYPE_SIZE
        and all(b in _UPPER or b in _LOWER for b in chunk_type)
    )


def is_critical(chunk_type: bytes) -> bool:
    """Return True if the chunk type is critical (its first letter is uppercase)."""
    return chunk_type[0] in _UPPER


def is_known(chunk_type: bytes) -> bool:
    """Return True if the chunk type is in the registry."""
    return chunk_type in CHUNK_TYPES


def register_chunk_type(chunk_type: bytes, description: str) -> None:
    """Add a chunk type to the registry; registering it again with the same description
    does nothing (so a codec module may be imported again).

    Raises ValueError if ``chunk_type`` is not 4 ASCII letters, is already
    registered with another description, or ``description`` is not a non-empty single line.
    """
    if not is_valid_chunk_type(chunk_type):
        raise ValueError(f"invalid chunk type {chunk_type!r}: need 4 ASCII letters (A-Z, a-z)")
    if CHUNK_TYPES.get(chunk_type, description) != description:
        raise ValueError(f"chunk type {chunk_type.decode('ascii')!r} is already registered")
    if not isinstance(description, str) or not description.strip() or "\n" in description:
        raise ValueError("chunk type description must be a non-empty single line of text")
    CHUNK_TYPES[chunk_type] = description


def register_chunk_types(types: Mapping[bytes, str]) -> None:
    """Register every (type, description) of ``types`` (see :func:`register_chunk_type`)."""
    for chunk_type, description in types.items():
        register_chunk_type(chunk_type, description)
