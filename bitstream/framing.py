"""Byte-level framing: the stream prelude (signature + version) and PNG-style chunks.

Chunk layout: u32 big-endian data length, 4-byte type, data, u32 big-endian
CRC-32 (zlib.crc32) over type + data. This module knows nothing about which
chunk types exist or in which order they must appear.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from .chunk_types import TYPE_SIZE, is_critical, is_valid_chunk_type
from .errors import FormatError

SIGNATURE = b"\x8bNVC\r\n\x1a\n"
"""First 8 bytes of every nvc stream."""
FORMAT_VERSION: tuple[int, int] = (1, 0)
"""(major, minor) version written by this module; readers accept any minor of this major."""

_VERSION = struct.Struct(">BB")
_U32 = struct.Struct(">I")
LENGTH_SIZE = _U32.size
CRC_SIZE = _U32.size
CHUNK_HEADER_SIZE = LENGTH_SIZE + TYPE_SIZE
CHUNK_OVERHEAD = CHUNK_HEADER_SIZE + CRC_SIZE
"""Framing bytes around every chunk's data (length + type + CRC)."""
MAX_CHUNK_DATA = 2**31 - 1
"""Largest allowed chunk data length, as in PNG."""
PRELUDE_SIZE = len(SIGNATURE) + _VERSION.size
"""Bytes before the first chunk: signature + major + minor."""


@dataclass(frozen=True)
class Chunk:
    """One chunk: a 4-letter type and its data bytes."""

    type: bytes
    data: bytes

    def __post_init__(self) -> None:
        if not is_valid_chunk_type(self.type):
            raise ValueError(f"invalid chunk type {self.type!r}: need 4 ASCII letters (A-Z, a-z)")
        if not isinstance(self.data, (bytes, bytearray, memoryview)):
            raise TypeError(f"chunk data must be bytes, got {type(self.data).__name__}")
        object.__setattr__(self, "data", bytes(self.data))

    @property
    def critical(self) -> bool:
        """True if a reader that does not know this type must refuse the stream."""
        return is_critical(self.type)

    @property
    def name(self) -> str:
        """The type as a 4-character string, e.g. ``"YLAT"``."""
        return self.type.decode("ascii")

    @property
    def size_on_disk(self) -> int:
        """Total bytes this chunk occupies in a stream, framing included."""
        return CHUNK_OVERHEAD + len(self.data)


def _crc(chunk_type: bytes, data: bytes) -> int:
    """CRC-32 over type + data."""
    return zlib.crc32(data, zlib.crc32(chunk_type))


def encode_prelude(version: tuple[int, int] = FORMAT_VERSION) -> bytes:
    """Return the signature followed by the (major, minor) version bytes."""
    return SIGNATURE + _VERSION.pack(*version)


def encode_chunk(chunk: Chunk) -> bytes:
    """Return the framed bytes of ``chunk`` (ValueError if its data is too long)."""
    if len(chunk.data) > MAX_CHUNK_DATA:
        raise ValueError(f"chunk {chunk.name} data is {len(chunk.data)} bytes, over the {MAX_CHUNK_DATA}-byte limit")
    return _U32.pack(len(chunk.data)) + chunk.type + chunk.data + _U32.pack(_crc(chunk.type, chunk.data))


def decode_prelude(data: bytes) -> tuple[int, int]:
    """Check the signature and version; return (major, minor) or raise FormatError."""
    if not data:
        raise FormatError("empty input: not an nvc stream")
    start = data[: len(SIGNATURE)]
    if start != SIGNATURE[: len(start)]:
        raise FormatError("not an nvc stream (bad signature)")
    if len(data) < PRELUDE_SIZE:
        raise FormatError("stream truncated inside the signature/version prelude")
    major, minor = _VERSION.unpack_from(data, len(SIGNATURE))
    supported = FORMAT_VERSION[0]
    if major != supported:
        raise FormatError(f"unsupported nvc format version {major}.{minor} (this reader supports {supported}.x)")
    return major, minor


def crc_mismatch(chunk: Chunk) -> FormatError:
    """The error for a chunk whose stored CRC does not match its type and data."""
    return FormatError(f"CRC mismatch in chunk {chunk.name} (corrupt stream)")


def unpack_chunk_header(first: bytes) -> tuple[int, bytes]:
    """(declared data length, type bytes) of a chunk's first ``CHUNK_HEADER_SIZE`` bytes, unchecked."""
    return _U32.unpack_from(first)[0], first[LENGTH_SIZE:CHUNK_HEADER_SIZE]


def read_chunk(handle: BinaryIO) -> tuple[Chunk, bool] | None:
    """The chunk at ``handle`` and whether its CRC matches, or None at a clean end of the data.

    Raises FormatError for a truncated chunk, invalid type bytes or an oversized length;
    the length is checked against the limit before any data is read. The handle is left
    after the chunk.
    """
    first = handle.read(CHUNK_HEADER_SIZE)
    if not first:
        return None
    if len(first) < CHUNK_HEADER_SIZE:
        raise FormatError("stream truncated inside a chunk header")
    length, chunk_type = unpack_chunk_header(first)
    if not is_valid_chunk_type(chunk_type):
        raise FormatError(f"invalid chunk type bytes {chunk_type!r}")
    name = chunk_type.decode("ascii")
    if length > MAX_CHUNK_DATA:
        raise FormatError(f"chunk {name} declares {length} data bytes, over the {MAX_CHUNK_DATA}-byte limit")
    data = handle.read(length)
    stored_crc = handle.read(CRC_SIZE)
    if len(stored_crc) < CRC_SIZE:  # the data, the CRC or both cut short
        present = max(len(data) + len(stored_crc) - CRC_SIZE, 0)
        raise FormatError(f"stream truncated inside chunk {name} (declares {length} data bytes, {present} present)")
    return Chunk(chunk_type, data), _U32.unpack(stored_crc)[0] == _crc(chunk_type, data)
