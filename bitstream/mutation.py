"""Structure-aware mutations of nvc streams, for fuzzing decoders.

Random bit flips mostly stop at the CRC. These mutations edit a stream's chunks and frame
them again with valid CRCs, so that they reach what lies behind the CRC: the header
parser, the chunk-order rules, the entropy decoders and the models. Each ``Mutant`` is
one mutation of one kind (``MUTATION_KINDS``), drawn from a ``random.Random``, so a seed
reproduces it. Standard library only, like the rest of ``bitstream``.
"""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Callable, Collection
from dataclasses import dataclass

from .chunk_types import DONE, HEAD
from .framing import PRELUDE_SIZE, Chunk, encode_chunk, read_chunk
from .header import HEAD_FIELDS, MAX_DIMENSION

SPECIAL_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)
MAX_INSERT = 16  # bytes an insertion adds at most
INTEGER_FIELD_REACH = 64  # integer-field mutations hit the first bytes of a chunk, where its fields are
DIMENSION_EXTREMES = (0, 1, 2, 63, 64, 65, MAX_DIMENSION - 1, MAX_DIMENSION, MAX_DIMENSION + 1, 2**31, 2**32 - 1)
U8_EXTREMES = (0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 127, 128, 254, 255)


@dataclass(frozen=True)
class Mutant:
    """A mutated stream, the kind of mutation that made it and what exactly it changed."""

    kind: str
    detail: str
    data: bytes


def split_stream(data: bytes) -> tuple[bytes, list[Chunk]]:
    """The prelude and every chunk (HEAD and DONE included) of a stream whose framing is
    sound; CRCs are not checked."""
    handle = io.BytesIO(data)
    prelude = handle.read(PRELUDE_SIZE)
    chunks = []
    while (framed := read_chunk(handle)) is not None:
        chunks.append(framed[0])
    return prelude, chunks


def join_stream(prelude: bytes, chunks: list[Chunk]) -> bytes:
    """The stream of ``prelude`` and ``chunks``, each framed with its length and a valid CRC."""
    return prelude + b"".join(encode_chunk(chunk) for chunk in chunks)


@dataclass
class _Work:
    """The chunks being mutated, the random source and the caller's knowledge of the format."""

    chunks: list[Chunk]
    rng: random.Random
    header_types: Collection[bytes]
    names: tuple[bytes, ...]
    donors: tuple[Chunk, ...]  # chunks of other streams, for splicing

    def index(self, with_data: bool = True) -> int:
        """A random chunk's index (one with data, if any has data and ``with_data``)."""
        candidates = [i for i, chunk in enumerate(self.chunks) if chunk.data or not with_data]
        return self.rng.choice(candidates or range(len(self.chunks)))

    def edit(self, index: int, data: bytes) -> None:
        self.chunks[index] = Chunk(self.chunks[index].type, data)


def _bit_flip(work: _Work) -> str:
    index = work.index()
    data = bytearray(work.chunks[index].data)
    if not data:
        return _insert(work)
    offset, bit = work.rng.randrange(len(data)), work.rng.randrange(8)
    data[offset] ^= 1 << bit
    work.edit(index, bytes(data))
    return f"{work.chunks[index].name} byte {offset} bit {bit}"


def _overwrite(work: _Work) -> str:
    index = work.index()
    data = bytearray(work.chunks[index].data)
    if not data:
        return _insert(work)
    count = min(work.rng.choice((1, 2, 4, 8)), len(data))
    offset = work.rng.randrange(len(data) - count + 1)
    special = work.rng.random() < 0.5
    values = bytes(work.rng.choice(SPECIAL_BYTES) if special else work.rng.randrange(256) for _ in range(count))
    data[offset : offset + count] = values
    work.edit(index, bytes(data))
    return f"{work.chunks[index].name} bytes {offset}-{offset + count - 1} = {values.hex()}"


def _insert(work: _Work) -> str:
    index = work.index(with_data=False)
    data = work.chunks[index].data
    offset = work.rng.randrange(len(data) + 1)
    values = work.rng.randbytes(work.rng.randint(1, MAX_INSERT))
    work.edit(index, data[:offset] + values + data[offset:])
    return f"{work.chunks[index].name} {len(values)} bytes inserted at {offset}"


def _truncate(work: _Work) -> str:
    index = work.index()
    data = work.chunks[index].data
    length = work.rng.randrange(len(data)) if data else 0
    work.edit(index, data[:length])
    return f"{work.chunks[index].name} cut from {len(data)} to {length} bytes"


def _duplicate(work: _Work) -> str:
    index = work.index(with_data=False)
    target = work.rng.randrange(len(work.chunks) + 1)
    work.chunks.insert(target, work.chunks[index])
    return f"chunk {index} ({work.chunks[target].name}) copied to position {target}"


def _drop(work: _Work) -> str:
    index = work.index(with_data=False)
    return f"chunk {index} ({work.chunks.pop(index).name}) dropped"


def _swap(work: _Work) -> str:
    if len(work.chunks) < 2:
        return _duplicate(work)
    first, second = sorted(work.rng.sample(range(len(work.chunks)), 2))
    chunks = work.chunks
    chunks[first], chunks[second] = chunks[second], chunks[first]
    return f"chunks {first} ({chunks[second].name}) and {second} ({chunks[first].name}) swapped"


def _cut(work: _Work) -> str:
    keep = work.rng.randrange(1, max(len(work.chunks) - 1, 2))
    del work.chunks[keep:]
    work.chunks.append(Chunk(DONE, b""))
    return f"stream ends after chunk {keep - 1}, then DONE"


def _splice(work: _Work) -> str:
    pairs = [(index, donor) for index, chunk in enumerate(work.chunks) for donor in work.donors
             if donor.type == chunk.type and donor.data != chunk.data]
    if not pairs:
        return _duplicate(work)
    index, donor = work.rng.choice(pairs)
    work.chunks[index] = donor
    return f"chunk {index} ({donor.name}) replaced by one of another stream ({len(donor.data)} bytes)"


def _head_value(work: _Work, field: str, value: object) -> object:
    """An extreme value for a HEAD-layout field whose current value is ``value``."""
    rng = work.rng
    if field == "model":
        return rng.choice((b"", b"\xff\xfe", b"x" * 255, value[:-1], value + b"x", *work.names))
    if field == "digest":
        flipped = bytearray(value)
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        return bytes(flipped)
    if field in ("width", "height"):
        return rng.choice((*DIMENSION_EXTREMES, max(value - 1, 0), value + 1, value * 2, value // 2))
    return rng.choice((*U8_EXTREMES, max(value - 1, 0), min(value + 1, 255)))


def _is_header_record(data: bytes) -> bool:
    """Whether ``data`` has HEAD's layout: a name length, the name, then HEAD_FIELDS."""
    return bool(data) and len(data) == 1 + data[0] + HEAD_FIELDS.size


def _header_field(work: _Work) -> str:
    indices = [i for i, chunk in enumerate(work.chunks)
               if chunk.type in work.header_types and _is_header_record(chunk.data)]
    if not indices:
        return _integer_field(work)
    index = work.rng.choice(indices)
    data = work.chunks[index].data
    fields = {"model": data[1 : 1 + data[0]]}
    fields.update(zip(("digest", "width", "height", "channels", "bit depth", "quality"),
                      HEAD_FIELDS.unpack_from(data, 1 + data[0])))
    field = work.rng.choice(list(fields))
    fields[field] = _head_value(work, field, fields[field])
    model, *rest = fields.values()
    work.edit(index, bytes([len(model)]) + model + HEAD_FIELDS.pack(*rest))
    shown = {"model": repr(fields["model"]), "digest": fields["digest"].hex()}.get(field, fields[field])
    return f"{work.chunks[index].name} {field} = {shown}"


def _integer_field(work: _Work) -> str:
    index = work.index()
    data = bytearray(work.chunks[index].data)
    size = work.rng.choice([s for s in (1, 2, 4, 8) if s <= len(data)] or [0])
    if not size:
        return _insert(work)
    offset = size * work.rng.randrange(min(len(data), INTEGER_FIELD_REACH) // size)
    top = 2 ** (8 * size)
    value = work.rng.choice((0, 1, 2, top // 2 - 1, top // 2, top - 2, top - 1, work.rng.randrange(top)))
    data[offset : offset + size] = value.to_bytes(size, "big")
    work.edit(index, bytes(data))
    return f"{work.chunks[index].name} u{8 * size} at {offset} = {value}"


MUTATIONS: dict[str, Callable[[_Work], str]] = {
    "bit-flip": _bit_flip,
    "byte-overwrite": _overwrite,
    "insert": _insert,
    "truncate": _truncate,
    "duplicate": _duplicate,
    "drop": _drop,
    "swap": _swap,
    "cut": _cut,
    "splice": _splice,
    "header-field": _header_field,
    "integer-field": _integer_field,
}
"""Kind -> mutation: payload bit flips, byte overwrites (random or special values) and
insertions; a chunk's data cut short (its length fixed up); chunks duplicated, dropped,
swapped, or all after one replaced by DONE; a chunk replaced by one of the same type from
another stream; a field of a HEAD-layout record set to an
extreme (sizes up to 2**32-1, channels, bit depth and quality 0-255, other model names, a
flipped digest bit); a big-endian integer among a chunk's first bytes set to an extreme."""
MUTATION_KINDS: tuple[str, ...] = tuple(MUTATIONS)


def mutate(data: bytes, rng: random.Random, kind: str | None = None, header_types: Collection[bytes] = (HEAD,),
           names: tuple[bytes, ...] = (), donors: tuple[bytes, ...] = ()) -> Mutant:
    """One mutation of the well-formed stream ``data``, of ``kind`` (default: drawn from
    ``rng``). ``header_types`` are the chunk types with HEAD's layout (a codec may add its
    own, e.g. a video's inter-model header); ``names`` are model names a mutated header
    may name; ``donors`` are other well-formed streams whose chunks a splice may take.
    The mutant's chunks all carry valid CRCs. A mutation that cannot apply (e.g. a bit
    flip where no chunk has data) falls back to another, whose detail it returns."""
    kind = kind or rng.choice(MUTATION_KINDS)
    prelude, chunks = split_stream(data)
    donated = tuple(chunk for donor in donors for chunk in split_stream(donor)[1])
    work = _Work(chunks, rng, header_types, names, donated)
    detail = MUTATIONS[kind](work)
    return Mutant(kind, detail, join_stream(prelude, work.chunks))
