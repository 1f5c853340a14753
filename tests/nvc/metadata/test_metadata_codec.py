"""nvc.encode keeps a PIL image's metadata and turns it upright; nvc.read_metadata gives it
back; decoders skip ancillary chunks, known or not."""

from __future__ import annotations

import numpy as np
from PIL import ExifTags, Image
from pillow_files import reopened

import nvc
from bitstream import HEAD, Chunk, read_container
from bitstream.framing import encode_chunk, encode_prelude
from bitstream.header import pack_header
from nvc.coding import encode_pixels
from nvc.metadata.chunks import EXIF, ICCP, Metadata, pack_metadata
from nvc.tiles.grid import plan_tiles


def test_a_pil_image_keeps_its_exif_and_profile(tiny_model, photo_like, srgb_profile, camera_exif) -> None:
    data = nvc.encode(reopened(photo_like, "JPEG", exif=camera_exif(), icc_profile=srgb_profile), model=tiny_model)
    metadata = nvc.read_metadata(data)
    exif = Image.Exif()
    exif.load(metadata.exif)

    assert exif[ExifTags.Base.Make] == "nvc test camera"
    assert metadata.icc_profile == srgb_profile
    assert [chunk.type for chunk in read_container(data).chunks][:2] == [EXIF, ICCP]  # right after HEAD


def test_strip_keeps_nothing_but_still_applies_the_orientation(tiny_model, photo_like, srgb_profile,
                                                               camera_exif) -> None:
    image = reopened(photo_like, exif=camera_exif(6), icc_profile=srgb_profile)
    data = nvc.encode(image, model=tiny_model, strip=True)
    header = nvc.read_header(data)

    assert nvc.read_metadata(data) == Metadata()
    assert (header.width, header.height) == (48, 80)  # photo_like is 80 wide, 48 high: turned a quarter


def test_the_kept_exif_says_the_pixels_are_upright(tiny_model, photo_like, camera_exif) -> None:
    data = nvc.encode(reopened(photo_like, exif=camera_exif(8)), model=tiny_model)
    exif = Image.Exif()
    exif.load(nvc.read_metadata(data).exif)

    assert ExifTags.Base.Orientation not in exif
    assert nvc.decode(data).shape == (80, 48, 3)


def test_images_without_metadata_give_the_same_stream_as_before(tiny_model, photo_like) -> None:
    before = encode_pixels(photo_like, 4, tiny_model)
    assert nvc.encode(reopened(photo_like), model=tiny_model) == before
    assert nvc.encode(photo_like, model=tiny_model) == before


def test_metadata_does_not_change_the_pixels(tiny_model, photo_like, srgb_profile, camera_exif) -> None:
    image = reopened(photo_like, exif=camera_exif(), icc_profile=srgb_profile)
    np.testing.assert_array_equal(nvc.decode(nvc.encode(image, model=tiny_model)),
                                  nvc.decode(nvc.encode(image, model=tiny_model, strip=True)))


def test_a_tiled_image_decodes_with_metadata_before_its_first_tile(tiny_model, photo_like, srgb_profile) -> None:
    tiles = plan_tiles(80, 48, 32, 8)
    data = encode_pixels(photo_like, 4, tiny_model, tiles=tiles, ancillary=pack_metadata(Metadata(None, srgb_profile)))

    assert nvc.read_metadata(data).icc_profile == srgb_profile
    np.testing.assert_array_equal(nvc.decode(data), nvc.decode(encode_pixels(photo_like, 4, tiny_model, tiles=tiles)))


def with_unknown_ancillary_chunks(data: bytes) -> bytes:
    """``data`` rebuilt with an unknown ancillary chunk after HEAD and after every payload chunk."""
    container = read_container(data)
    unknown = encode_chunk(Chunk(b"zzzz", b"a future reader's business"))
    parts = [encode_prelude(), encode_chunk(Chunk(HEAD, pack_header(container.header))), unknown]
    for chunk in container.chunks:
        parts += [encode_chunk(chunk), unknown]
    return b"".join(parts) + data[-12:]  # DONE


def test_a_stream_with_unknown_ancillary_chunks_still_decodes(tiny_model, photo_like) -> None:
    data = nvc.encode(photo_like, model=tiny_model)
    extended = with_unknown_ancillary_chunks(data)

    assert len(extended) > len(data)
    np.testing.assert_array_equal(nvc.decode(extended), nvc.decode(data))
    assert nvc.read_metadata(extended) == Metadata()
