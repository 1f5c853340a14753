"""Whole-stream rules: HEAD first, DONE last, unknown critical chunks refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .chunk_types import DONE, HEAD, is_known
from .errors import FormatError
from .framing import (
    CHUNK_OVERHEAD,
    FORMAT_VERSION,
    PRELUDE_SIZE,
    Chunk,
    decode_prelude,
    encode_chunk,
    encode_prelude,
    iter_chunks,
)
from .header import Header, pack_header, unpack_header

_FRAMING_TYPES = (HEAD, DONE)


@dataclass(frozen=True)
class Container:
    """A parsed nvc stream.

    ``chunks`` holds the payload chunks in file order, without HEAD, DONE and
    skipped unknown ancillary chunks. ``layout`` lists (type, bytes on disk) for
    every chunk in the file; :func:`read_container` fills it in.
    """

    header: Header
    chunks: list[Chunk]
    version: tuple[int, int] = FORMAT_VERSION
    layout: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)
    damage: tuple[str, ...] = ()  # what a salvaging read dropped (see read_container)

    def chunks_of(self, type: bytes) -> list[Chunk]:  # noqa: A002 - as in chunk()
        """All intact chunks of ``type``, in file order."""
        return [c for c in self.chunks if c.type == type]

    def chunk(self, type: bytes) -> Chunk:  # noqa: A002 - name fixed by the API
        """Return the single chunk of ``type``; FormatError if it is absent or repeated."""
        matches = [c for c in self.chunks if c.type == type]
        name = type.decode("ascii", "replace") if isinstance(type, bytes) else repr(type)
        if not matches:
            raise FormatError(f"missing {name} chunk")
        if len(matches) > 1:
            raise FormatError(f"expected one {name} chunk, found {len(matches)}")
        return matches[0]

    def chunk_sizes(self) -> list[tuple[str, int]]:
        """(type, total bytes incl. 12 bytes framing) for every chunk in the file, HEAD and DONE included."""
        if self.layout:
            return list(self.layout)
        head_size = CHUNK_OVERHEAD + len(pack_header(self.header))
        return (
            [(HEAD.decode("ascii"), head_size)]
            + [(c.name, c.size_on_disk) for c in self.chunks]
            + [(DONE.decode("ascii"), CHUNK_OVERHEAD)]
        )


def _check_payload_chunk(chunk: Chunk) -> None:
    """Raise if ``chunk`` may not be passed to :func:`write_container`."""
    if not isinstance(chunk, Chunk):
        raise TypeError(f"expected a Chunk, got {type(chunk).__name__}")
    if chunk.type in _FRAMING_TYPES:
        raise ValueError(f"{chunk.name} is written by write_container itself; pass payload chunks only")
    if not is_known(chunk.type):
        raise ValueError(f"unknown chunk type {chunk.name!r}; register it in bitstream/chunk_types.py first")


def write_container(header: Header, chunks: Sequence[Chunk]) -> bytes:
    """Serialize ``header`` and payload ``chunks`` into an nvc 1.0 stream.

    Raises ValueError for an invalid header, an unknown chunk type, a HEAD or
    DONE chunk among ``chunks``, or chunk data over 2**31-1 bytes.
    """
    parts = [encode_prelude(), encode_chunk(Chunk(HEAD, pack_header(header)))]
    for chunk in chunks:
        _check_payload_chunk(chunk)
        parts.append(encode_chunk(chunk))
    parts.append(encode_chunk(Chunk(DONE, b"")))
    return b"".join(parts)


def read_container(data: bytes, salvage: frozenset[bytes] = frozenset()) -> Container:
    """Parse an nvc stream; raise FormatError (only) if it is malformed in any way.

    ``salvage`` names chunk types a decoder can do without (it conceals what they held):
    a chunk of such a type whose CRC fails is dropped, and once HEAD has been read a
    stream that is cut short or unparseable after it ends the read there, instead of
    raising. ``Container.damage`` then says what was dropped. Accepts bytes, bytearray or
    memoryview; any other type is a TypeError.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_container expects bytes, got {type(data).__name__}")
    data = bytes(data)
    version = decode_prelude(data)
    header: Header | None = None
    payload: list[Chunk] = []
    layout: list[tuple[str, int]] = []
    damage: list[str] = []
    chunks = iter_chunks(data, PRELUDE_SIZE, tolerate_crc=bool(salvage))
    while True:
        try:
            chunk, end, intact = next(chunks)
        except StopIteration:
            break
        except FormatError as error:
            if header is None or not salvage:
                raise
            damage.append(f"stream unreadable after {len(layout)} chunks ({error})")
            return Container(header, payload, version, tuple(layout), tuple(damage))
        layout.append((chunk.name, chunk.size_on_disk))
        if not intact:
            if header is None or chunk.type not in salvage:
                raise FormatError(f"CRC mismatch in chunk {chunk.name} (corrupt stream)")
            damage.append(f"chunk {len(layout)} ({chunk.name}) failed its CRC and was dropped")
            continue
        if header is None:
            if chunk.type != HEAD:
                raise FormatError(f"first chunk must be HEAD, found {chunk.name}")
            header = unpack_header(chunk.data)
        elif chunk.type == HEAD:
            raise FormatError("duplicate HEAD chunk")
        elif chunk.type == DONE:
            if chunk.data:
                raise FormatError(f"DONE chunk must be empty, has {len(chunk.data)} data bytes")
            if end != len(data):
                raise FormatError(f"trailing bytes after DONE ({len(data) - end} bytes)")
            return Container(header, payload, version, tuple(layout), tuple(damage))
        elif is_known(chunk.type):
            payload.append(chunk)
        elif chunk.critical:
            raise FormatError(f"unknown critical chunk type '{chunk.name}'")
    if header is None:
        raise FormatError("stream truncated: no HEAD chunk")
    if salvage:
        damage.append(f"stream truncated after {len(layout)} chunks (no DONE chunk)")
        return Container(header, payload, version, tuple(layout), tuple(damage))
    raise FormatError("stream truncated: no DONE chunk")
