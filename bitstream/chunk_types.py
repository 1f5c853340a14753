"""Registry of known chunk types: the one place where chunk types are declared.

A chunk type is 4 ASCII letters. The case of the first letter says what a reader
that does not know the type must do: uppercase = critical (refuse the stream),
lowercase = ancillary (skip it). New codecs add their types here, or at run time
with :func:`register_chunk_type`.
"""

from __future__ import annotations

TYPE_SIZE = 4
"""Number of bytes in a chunk type."""

HEAD = b"HEAD"
DONE = b"DONE"
ZLAT = b"ZLAT"
YLAT = b"YLAT"
VQIX = b"VQIX"
VHDR = b"VHDR"
FRME = b"FRME"
PHDR = b"PHDR"
MOTN = b"MOTN"
FIDX = b"fidx"
META = b"meta"

CHUNK_TYPES: dict[bytes, str] = {
    HEAD: "stream header: model name, weights digest, image size, channels, bit depth, quality",
    DONE: "end of stream; empty data; nothing may follow it",
    ZLAT: "hyper-latent z: entropy-coded with the factorized model",
    YLAT: "latent y: entropy-coded with the Gaussian conditional model",
    VQIX: "vector-quantizer index grid: checkerboard anchors, then the rest, coded with the learned index prior",
    VHDR: "video header: frame rate, intra period, colour matrix and range",
    FRME: "start of a video frame: type (intra or predicted), index and timestamp; the frame's chunks follow",
    PHDR: "header of the P-frames' inter model (HEAD layout): model name, weights digest, frame size, quality",
    MOTN: "P-frame motion field: one half-pixel vector per 16x16 block, median-predicted, Laplace-coded",
    FIDX: "index of random-access (intra) frames: frame index and byte offset of each; safe to ignore",
    META: "free-form UTF-8 key=value text, e.g. encoder version; safe to ignore",
}
"""Known chunk types mapped to a one-line description."""

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
    """Add a new chunk type to the registry.

    Raises ValueError if ``chunk_type`` is not 4 ASCII letters, is already
    registered, or ``description`` is not a non-empty single line.
    """
    if not is_valid_chunk_type(chunk_type):
        raise ValueError(f"invalid chunk type {chunk_type!r}: need 4 ASCII letters (A-Z, a-z)")
    if chunk_type in CHUNK_TYPES:
        raise ValueError(f"chunk type {chunk_type.decode('ascii')!r} is already registered")
    if not isinstance(description, str) or not description.strip() or "\n" in description:
        raise ValueError("chunk type description must be a non-empty single line of text")
    CHUNK_TYPES[chunk_type] = description
