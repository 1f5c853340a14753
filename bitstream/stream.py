"""Reading and writing a container chunk by chunk, for streams too long to hold in memory
(video). The rules are those of ``read_container``: prelude, HEAD first, DONE last, unknown
critical chunks refused, unknown ancillary ones skipped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .chunk_types import DONE, HEAD, is_known, is_valid_chunk_type
from .container import _check_payload_chunk
from .errors import FormatError
from .framing import (
    CHUNK_HEADER_SIZE,
    CRC_SIZE,
    LENGTH_SIZE,
    MAX_CHUNK_DATA,
    PRELUDE_SIZE,
    Chunk,
    _crc,
    decode_prelude,
    encode_chunk,
    encode_prelude,
)
from .header import Header, pack_header, unpack_header


class StreamWriter:
    """Writes the prelude and HEAD at once, payload chunks as they come, DONE on ``finish``."""

    def __init__(self, handle: BinaryIO, header: Header):
        self.handle = handle
        self.bytes_written = 0
        self._write(encode_prelude() + encode_chunk(Chunk(HEAD, pack_header(header))))

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.bytes_written += len(data)

    def write(self, chunk: Chunk) -> int:
        """Append a payload chunk; returns its offset in the stream."""
        _check_payload_chunk(chunk)
        offset = self.bytes_written
        self._write(encode_chunk(chunk))
        return offset

    def finish(self) -> None:
        """Write DONE."""
        self._write(encode_chunk(Chunk(DONE, b"")))


def _read_exactly(handle: BinaryIO, size: int, what: str) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise FormatError(f"stream truncated inside {what}")
    return data


def _next_chunk(handle: BinaryIO) -> Chunk | None:
    """The next CRC-checked chunk, or None at a clean end of file."""
    first = handle.read(CHUNK_HEADER_SIZE)
    if not first:
        return None
    if len(first) < CHUNK_HEADER_SIZE:
        raise FormatError("stream truncated inside a chunk header")
    length, chunk_type = int.from_bytes(first[:LENGTH_SIZE], "big"), first[LENGTH_SIZE:]
    if not is_valid_chunk_type(chunk_type):
        raise FormatError(f"invalid chunk type bytes {chunk_type!r}")
    name = chunk_type.decode("ascii")
    if length > MAX_CHUNK_DATA:
        raise FormatError(f"chunk {name} declares {length} data bytes, over the {MAX_CHUNK_DATA}-byte limit")
    data = _read_exactly(handle, length, f"chunk {name}")
    stored = int.from_bytes(_read_exactly(handle, CRC_SIZE, f"chunk {name}"), "big")
    if stored != _crc(chunk_type, data):
        raise FormatError(f"CRC mismatch in chunk {name} (corrupt stream)")
    return Chunk(chunk_type, data)


def find_chunk(handle: BinaryIO, chunk_type: bytes) -> Chunk | None:
    """The first chunk of ``chunk_type`` in the stream at ``handle`` (seekable, at the
    stream's start), found by reading only chunk headers and seeking over the data of the
    others; None if it has none (or the stream ends early). The handle is left where it was."""
    start = handle.tell()
    try:
        handle.seek(start + PRELUDE_SIZE)
        while len(first := handle.read(CHUNK_HEADER_SIZE)) == CHUNK_HEADER_SIZE:
            length, found = int.from_bytes(first[:LENGTH_SIZE], "big"), first[LENGTH_SIZE:]
            if found == chunk_type:
                handle.seek(-CHUNK_HEADER_SIZE, 1)
                return _next_chunk(handle)
            if found == DONE:
                return None
            handle.seek(length + CRC_SIZE, 1)
        return None
    finally:
        handle.seek(start)


def read_stream(handle: BinaryIO) -> tuple[Header, Iterator[Chunk]]:
    """The header of a stream read from ``handle``, and an iterator over its known payload
    chunks, read one at a time from wherever the handle then is (a reader may seek it to a
    chunk boundary between chunks); FormatError (raised by the iterator for anything after
    HEAD) on malformed input, after every complete chunk before the damage was yielded."""
    decode_prelude(_read_exactly(handle, PRELUDE_SIZE, "the prelude"))
    first = _next_chunk(handle)
    if first is None:
        raise FormatError("stream truncated: no HEAD chunk")
    if first.type != HEAD:
        raise FormatError(f"first chunk must be HEAD, found {first.name}")
    header = unpack_header(first.data)

    def chunks() -> Iterator[Chunk]:
        while True:
            chunk = _next_chunk(handle)
            if chunk is None:
                raise FormatError("stream truncated: no DONE chunk")
            if chunk.type == DONE:
                if chunk.data:
                    raise FormatError(f"DONE chunk must be empty, has {len(chunk.data)} data bytes")
                if handle.read(1):
                    raise FormatError("trailing bytes after DONE")
                return
            if chunk.type == HEAD:
                raise FormatError("duplicate HEAD chunk")
            if is_known(chunk.type):
                yield chunk
            elif chunk.critical:
                raise FormatError(f"unknown critical chunk type '{chunk.name}'")

    return header, chunks()
