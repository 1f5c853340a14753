"""Whole-stream rules: HEAD first, DONE last, unknown critical chunks refused."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from .chunk_types import DONE, HEAD, is_known
from .errors import FormatError
from .framing import CHUNK_OVERHEAD, FORMAT_VERSION, Chunk, encode_chunk, encode_prelude
from .header import Header, pack_header
from .reader import ChunkReader

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
        raise ValueError(f"unknown chunk type {chunk.name!r}; register it with bitstream.register_chunk_type first")


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
    reader = ChunkReader(io.BytesIO(bytes(data)), salvage, keep_layout=True)
    payload = list(reader.payload())
    return Container(reader.header, payload, reader.version, tuple(reader.layout), tuple(reader.damage))


def read_until_damage(data: bytes) -> tuple[Container, FormatError | None]:
    """What of a stream can be read, for describing damaged streams: the container of HEAD
    and the chunks after it up to the first damage (its ``layout`` lists every chunk read),
    and the FormatError that stopped the read (None for an intact stream). FormatError
    itself when not even HEAD can be read."""
    reader = ChunkReader(io.BytesIO(bytes(data)), keep_layout=True)
    payload: list[Chunk] = []
    damage = None
    try:
        payload.extend(reader.payload())  # keeps the chunks yielded before an error
    except FormatError as error:
        damage = error
    return Container(reader.header, payload, reader.version, tuple(reader.layout)), damage
