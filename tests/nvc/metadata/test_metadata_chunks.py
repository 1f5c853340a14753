"""The exif and iccp chunks: registered as ancillary, packed, read back, malformed ones refused."""

from __future__ import annotations

import zlib

import pytest

from bitstream import CHUNK_TYPES, Chunk, FormatError, Header, write_container
from bitstream.chunk_types import is_critical
from bitstream.framing import encode_chunk
from nvc.metadata import chunks
from nvc.metadata.chunks import EXIF, ICCP, Metadata, pack_metadata, read_metadata

TIFF = b"MM\x00*\x00\x00\x00\x08\x00\x00"  # a big-endian TIFF structure with an empty directory
HEADER = Header("test", bytes(32), 4, 2, 3, 8, 1)


def stream(*chunk_list: Chunk) -> bytes:
    return write_container(HEADER, list(chunk_list))


def test_metadata_types_are_registered_and_ancillary() -> None:
    for chunk_type in (EXIF, ICCP):
        assert chunk_type in CHUNK_TYPES
        assert not is_critical(chunk_type)


def test_metadata_round_trips_through_a_stream() -> None:
    metadata = Metadata(TIFF, b"profile bytes " * 40)
    packed = pack_metadata(metadata)

    assert [chunk.type for chunk in packed] == [EXIF, ICCP]
    assert len(packed[1].data) < len(metadata.icc_profile)  # compressed
    assert read_metadata(stream(*packed)) == metadata


def test_no_metadata_packs_no_chunk_and_reads_as_none() -> None:
    assert pack_metadata(Metadata()) == []
    assert not Metadata()
    assert read_metadata(stream()) == Metadata()


def test_pillow_options_give_exif_its_jpeg_prefix() -> None:
    assert Metadata(TIFF, b"p").pillow_options() == {"exif": b"Exif\x00\x00" + TIFF, "icc_profile": b"p"}
    assert Metadata().pillow_options() == {}


def test_metadata_before_damage_is_read() -> None:
    data = stream(*pack_metadata(Metadata(TIFF)))
    assert read_metadata(data[:-5]) == Metadata(TIFF)  # DONE cut short


@pytest.mark.parametrize(("chunk_list", "message"), [
    ([Chunk(EXIF, b"Exif\x00\x00" + TIFF)], "TIFF structure"),
    ([Chunk(EXIF, TIFF), Chunk(EXIF, TIFF)], "at most one exif"),
    ([Chunk(ICCP, b"not zlib")], "not a valid zlib stream"),
    ([Chunk(ICCP, zlib.compress(b"profile")[:-3])], "truncated"),
    ([Chunk(ICCP, zlib.compress(b"profile") + b"x")], "followed by other bytes"),
])
def test_malformed_metadata_chunks_are_refused(chunk_list: list[Chunk], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_metadata(stream(*chunk_list))


def test_a_profile_over_the_limit_is_refused_without_inflating_it_all(monkeypatch) -> None:
    monkeypatch.setattr(chunks, "MAX_ICC_BYTES", 1000)
    bomb = zlib.compress(bytes(10**6))
    with pytest.raises(FormatError, match="MAX_ICC_BYTES"):
        read_metadata(stream(Chunk(ICCP, bomb)))


def test_what_is_not_a_stream_is_refused() -> None:
    with pytest.raises(FormatError, match="signature"):
        read_metadata(b"GIF89a" + encode_chunk(Chunk(EXIF, TIFF)))
