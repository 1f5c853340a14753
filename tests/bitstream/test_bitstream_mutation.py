"""Structure-aware mutations: every mutant is framed with valid CRCs, each kind changes
what it says, and a random seed reproduces a mutant."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest

from bitstream import DONE, HEAD, Chunk, FormatError, Header, read_container, write_container
from bitstream.framing import PRELUDE_SIZE, read_chunk
from bitstream.mutation import MUTATION_KINDS, mutate, split_stream
from payload_types import YLAT, ZLAT

SEEDS = range(25)


@pytest.fixture
def stream(header: Header) -> bytes:
    return write_container(header, [Chunk(ZLAT, bytes(range(40))), Chunk(YLAT, bytes(range(100, 200)))])


@pytest.fixture
def donor(header: Header) -> bytes:
    return write_container(header, [Chunk(ZLAT, b"\xaa" * 12), Chunk(YLAT, b"\xbb" * 8)])


def chunks_of(data: bytes) -> list[Chunk]:
    return split_stream(data)[1]


@pytest.mark.parametrize("kind", MUTATION_KINDS)
def test_every_chunk_of_every_mutant_passes_its_crc(stream, donor, kind):
    for seed in SEEDS:
        mutant = mutate(stream, random.Random(seed), kind, donors=(donor,))
        assert mutant.kind == kind and mutant.detail
        assert mutant.data[:PRELUDE_SIZE] == stream[:PRELUDE_SIZE]
        handle = io.BytesIO(mutant.data)
        handle.seek(PRELUDE_SIZE)
        while (framed := read_chunk(handle)) is not None:
            assert framed[1], mutant.detail


@pytest.mark.parametrize("kind", MUTATION_KINDS)
def test_a_random_seed_reproduces_a_mutant(stream, donor, kind):
    first, second = (mutate(stream, random.Random("7:3"), kind, donors=(donor,)) for _ in range(2))
    assert first == second


def differing_bits(first: bytes, second: bytes) -> int:
    return sum(bin(a ^ b).count("1") for a, b in zip(first, second))


def test_a_bit_flip_changes_one_bit_of_one_chunk(stream):
    for seed in SEEDS:
        before, after = chunks_of(stream), chunks_of(mutate(stream, random.Random(seed), "bit-flip").data)
        assert [(c.type, len(c.data)) for c in before] == [(c.type, len(c.data)) for c in after]
        assert sum(differing_bits(a.data, b.data) for a, b in zip(before, after)) == 1


def test_a_truncation_shortens_one_chunk_and_fixes_its_length(stream):
    for seed in SEEDS:
        before, after = chunks_of(stream), chunks_of(mutate(stream, random.Random(seed), "truncate").data)
        changed = [(a, b) for a, b in zip(before, after) if a != b]
        assert len(before) == len(after) and len(changed) == 1
        original, cut = changed[0]
        assert len(cut.data) < len(original.data) and original.data.startswith(cut.data)


def test_an_insertion_lengthens_one_chunk(stream):
    for seed in SEEDS:
        before, after = chunks_of(stream), chunks_of(mutate(stream, random.Random(seed), "insert").data)
        assert sum(len(c.data) for c in after) - sum(len(c.data) for c in before) in range(1, 17)


@pytest.mark.parametrize("kind, change", [("duplicate", 1), ("drop", -1), ("swap", 0), ("splice", 0)])
def test_chunk_list_mutations_keep_the_chunks_they_say(stream, donor, kind, change):
    before = chunks_of(stream)
    for seed in SEEDS:
        after = chunks_of(mutate(stream, random.Random(seed), kind, donors=(donor,)).data)
        assert len(after) == len(before) + change
        if kind == "swap":
            assert Counter(after) == Counter(before) and after != before
        if kind == "splice":
            assert sum(a != b for a, b in zip(before, after)) == 1
            assert set(after) - set(before) <= set(chunks_of(donor))


def test_a_cut_keeps_a_prefix_then_done(stream):
    before = chunks_of(stream)
    for seed in SEEDS:
        after = chunks_of(mutate(stream, random.Random(seed), "cut").data)
        assert after[-1] == Chunk(DONE, b"") and after[:-1] == before[: len(after) - 1]
        assert len(after) < len(before)


def test_a_header_field_mutation_sets_one_field_of_head(stream):
    original = read_container(stream).header
    reached = set()
    for seed in range(100):
        mutant = mutate(stream, random.Random(seed), "header-field", names=(b"other-model",))
        assert mutant.detail.startswith("HEAD ")
        reached.add(mutant.detail.split(" = ")[0].removeprefix("HEAD "))
        try:
            header = read_container(mutant.data).header
        except FormatError as error:
            assert "HEAD" in str(error)  # an extreme the format refuses (e.g. width 0)
            continue
        assert sum(getattr(header, name) != getattr(original, name) for name in vars(original)) <= 1
    assert reached == {"model", "digest", "width", "height", "channels", "bit depth", "quality"}


def test_header_field_mutations_reach_other_header_records(stream):
    container = read_container(stream)
    record = Chunk(YLAT, split_stream(stream)[1][0].data)  # a HEAD-layout record of another type
    data = write_container(container.header, [record])
    details = {mutate(data, random.Random(seed), "header-field", header_types=(HEAD, YLAT)).detail.split()[0]
               for seed in SEEDS}
    assert details == {"HEAD", "YLAT"}


def test_mutations_that_cannot_apply_fall_back_to_one_that_can(header):
    bare = write_container(header, [Chunk(ZLAT, b"")])
    mutant = mutate(bare, random.Random(0), "splice")  # no donors: a duplicate instead
    assert len(chunks_of(mutant.data)) == 4 and "copied" in mutant.detail
