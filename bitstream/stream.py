"""Reading and writing a container chunk by chunk, for streams too long to hold in memory
(video). Reading goes through the parser ``read_container`` uses (``reader.ChunkReader``),
so the rules and error messages are the same."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from .chunk_types import DONE, HEAD
from .container import _check_payload_chunk
from .framing import (
    CHUNK_HEADER_SIZE,
    CRC_SIZE,
    PRELUDE_SIZE,
    Chunk,
    crc_mismatch,
    encode_chunk,
    encode_prelude,
    read_chunk,
    unpack_chunk_header,
)
from .header import Header, pack_header
from .reader import ChunkReader


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


def _chunk_types(handle: BinaryIO) -> Iterator[bytes]:
    """The type of every chunk of the stream at ``handle`` (seekable, at the stream's
    start), read from chunk headers alone; between items the handle is just after the
    header of the chunk last given. Ends after DONE, or where the data ends."""
    handle.seek(PRELUDE_SIZE, io.SEEK_CUR)
    while len(first := handle.read(CHUNK_HEADER_SIZE)) == CHUNK_HEADER_SIZE:
        length, found = unpack_chunk_header(first)
        yield found
        if found == DONE:
            return
        handle.seek(length + CRC_SIZE, io.SEEK_CUR)


def find_chunk(handle: BinaryIO, chunk_type: bytes) -> Chunk | None:
    """The first chunk of ``chunk_type`` in the stream at ``handle`` (seekable, at the
    stream's start), found by reading only chunk headers and seeking over the data of the
    others; None if it has none (or the stream ends early). The handle is left where it was."""
    start = handle.tell()
    try:
        for found in _chunk_types(handle):
            if found == chunk_type:
                handle.seek(-CHUNK_HEADER_SIZE, io.SEEK_CUR)
                chunk, intact = read_chunk(handle)
                if not intact:
                    raise crc_mismatch(chunk)
                return chunk
        return None
    finally:
        handle.seek(start)


def count_chunks(handle: BinaryIO, chunk_type: bytes) -> int:
    """How many chunks of ``chunk_type`` the stream at ``handle`` (seekable, at the stream's
    start) holds, up to DONE or the end of the data, from chunk headers alone (their data
    and CRCs are not checked). The handle is left where it was."""
    start = handle.tell()
    try:
        return sum(found == chunk_type for found in _chunk_types(handle))
    finally:
        handle.seek(start)


def read_stream(handle: BinaryIO) -> tuple[Header, Iterator[Chunk]]:
    """The header of a stream read from ``handle``, and an iterator over its known payload
    chunks, read one at a time from wherever the handle then is (a reader may seek it to a
    chunk boundary between chunks); FormatError (raised by the iterator for anything after
    HEAD) on malformed input, after every complete chunk before the damage was yielded."""
    reader = ChunkReader(handle)
    return reader.header, reader.payload()
