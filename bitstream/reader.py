"""The one chunk parser, behind both ``read_container`` (a whole byte string) and
``read_stream`` (a handle, chunk by chunk): the prelude, HEAD first, DONE last and nothing
after it, unknown critical chunks refused, unknown ancillary ones skipped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .chunk_types import DONE, HEAD, is_known
from .errors import FormatError
from .framing import PRELUDE_SIZE, Chunk, crc_mismatch, decode_prelude, read_chunk
from .header import Header, unpack_header

_COUNT_BLOCK = 1 << 16  # bytes read at a time when counting what follows DONE


class ChunkReader:
    """Reads one stream from a binary handle: ``version`` and ``header`` at once, then the
    payload chunks one at a time (``payload``).

    ``salvage`` names chunk types a decoder can do without (see ``read_container``): a
    chunk of such a type whose CRC fails is dropped, and a stream cut short or unparseable
    after HEAD ends there instead of raising; ``damage`` says what was lost. With
    ``keep_layout``, ``layout`` lists (type, bytes on disk) of every chunk read; otherwise
    it stays empty, so that reading a long stream takes constant memory.
    """

    def __init__(self, handle: BinaryIO, salvage: frozenset[bytes] = frozenset(), keep_layout: bool = False):
        self._handle, self._salvage, self._keep_layout = handle, salvage, keep_layout
        self.chunks_read = 0
        self.layout: list[tuple[str, int]] = []
        self.damage: list[str] = []
        self.version = decode_prelude(handle.read(PRELUDE_SIZE))
        self.header = self._read_head()

    def _framed(self) -> tuple[Chunk, bool] | None:
        framed = read_chunk(self._handle)
        if framed is not None:
            self.chunks_read += 1
            if self._keep_layout:
                self.layout.append((framed[0].name, framed[0].size_on_disk))
        return framed

    def _intact(self, chunk: Chunk, intact: bool, salvage: frozenset[bytes]) -> Chunk | None:
        """``chunk`` if its CRC matched; None (noted as damage) for a salvaged type; else FormatError."""
        if intact:
            return chunk
        if chunk.type not in salvage:
            raise crc_mismatch(chunk)
        self.damage.append(f"chunk {self.chunks_read} ({chunk.name}) failed its CRC and was dropped")
        return None

    def _read_head(self) -> Header:
        framed = self._framed()
        if framed is None:
            raise FormatError("stream truncated: no HEAD chunk")
        chunk = self._intact(*framed, salvage=frozenset())
        if chunk.type != HEAD:
            raise FormatError(f"first chunk must be HEAD, found {chunk.name}")
        return unpack_header(chunk.data)

    def _next_chunk(self) -> Chunk | None:
        """The next intact chunk; None where a salvaging read stops early."""
        while True:
            try:
                framed = self._framed()
            except FormatError as error:
                if not self._salvage:
                    raise
                self.damage.append(f"stream unreadable after {self.chunks_read} chunks ({error})")
                return None
            if framed is None:
                if not self._salvage:
                    raise FormatError("stream truncated: no DONE chunk")
                self.damage.append(f"stream truncated after {self.chunks_read} chunks (no DONE chunk)")
                return None
            chunk = self._intact(*framed, salvage=self._salvage)
            if chunk is not None:
                return chunk

    def _check_done(self, chunk: Chunk) -> None:
        if chunk.data:
            raise FormatError(f"DONE chunk must be empty, has {len(chunk.data)} data bytes")
        trailing = sum(len(block) for block in iter(lambda: self._handle.read(_COUNT_BLOCK), b""))
        if trailing:
            raise FormatError(f"trailing bytes after DONE ({trailing} bytes)")

    def payload(self) -> Iterator[Chunk]:
        """The known payload chunks, in stream order, until DONE. FormatError on malformed
        input, raised after every complete chunk before the damage was yielded."""
        while (chunk := self._next_chunk()) is not None:
            if chunk.type == HEAD:
                raise FormatError("duplicate HEAD chunk")
            if chunk.type == DONE:
                self._check_done(chunk)
                return
            if is_known(chunk.type):
                yield chunk
            elif chunk.critical:
                raise FormatError(f"unknown critical chunk type '{chunk.name}'")
