"""Metadata and PIL images: orientation applied exactly, what is taken from an image, and
what each output format can hold."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import ExifTags, Image
from pillow_files import reopened

from nvc.metadata.chunks import Metadata
from nvc.metadata.image import JPEG_MAX_EXIF, metadata_of, save_options, upright

MAKE, ORIENTATION = ExifTags.Base.Make, ExifTags.Base.Orientation
TIFF = b"II*\x00\x08\x00\x00\x00\x00\x00"

# EXIF orientation -> how the stored (row, column) array turns into the picture as shown
SHOWN = {
    1: lambda a: a,
    2: np.fliplr,
    3: lambda a: np.rot90(a, 2),
    4: np.flipud,
    5: lambda a: np.rot90(np.fliplr(a), 1),  # transpose
    6: lambda a: np.rot90(a, -1),  # rotate 90 degrees clockwise
    7: lambda a: np.rot90(np.fliplr(a), -1),  # transverse
    8: lambda a: np.rot90(a, 1),  # rotate 90 degrees counter-clockwise
}


@pytest.mark.parametrize("orientation", sorted(SHOWN))
def test_upright_shows_the_picture_as_a_viewer_would(marked, camera_exif, orientation: int) -> None:
    image = reopened(marked, exif=camera_exif(orientation))
    turned = upright(image)

    np.testing.assert_array_equal(np.asarray(turned), SHOWN[orientation](marked))
    assert ORIENTATION not in turned.getexif() or turned.getexif()[ORIENTATION] == 1
    assert turned.getexif()[MAKE] == "nvc test camera"


def test_upright_drops_exif_that_held_only_the_orientation(marked, camera_exif) -> None:
    turned = upright(reopened(marked, exif=camera_exif(6, make=None)))
    assert turned.size == (6, 10)
    assert metadata_of(turned, 3) == Metadata()


def test_arrays_have_no_metadata_and_stay_as_they_are(marked) -> None:
    assert upright(marked) is marked
    assert metadata_of(marked, 3) == Metadata()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_and_profile_are_taken_without_the_jpeg_prefix(marked, srgb_profile, camera_exif,
                                                             image_format: str) -> None:
    image = reopened(marked, image_format, exif=camera_exif(), icc_profile=srgb_profile)
    metadata = metadata_of(image, 3)
    exif = Image.Exif()
    exif.load(metadata.exif)

    assert metadata.exif.startswith(b"MM\x00*")
    assert exif[MAKE] == "nvc test camera"
    assert metadata.icc_profile == srgb_profile


def fake_profile(space: bytes) -> bytes:
    """128 bytes of ICC header naming a colour space (all metadata_of looks at)."""
    return bytes(16) + space + bytes(108)


@pytest.mark.parametrize(("space", "channels", "kept"), [
    (b"RGB ", 3, True), (b"GRAY", 1, True), (b"CMYK", 3, False), (b"RGB ", 1, False), (b"GRAY", 3, False),
])
def test_only_a_profile_of_the_coded_colour_space_is_kept(marked, space: bytes, channels: int, kept: bool) -> None:
    image = reopened(marked, icc_profile=fake_profile(space))
    assert (metadata_of(image, channels).icc_profile is not None) == kept


def test_exif_that_is_not_a_tiff_structure_is_not_kept(marked) -> None:
    image = reopened(marked)
    image.info["exif"] = b"Exif\x00\x00garbage"
    assert metadata_of(image, 3).exif is None


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "AVIF"])
def test_formats_that_hold_metadata_get_it_back(marked, srgb_profile, camera_exif, image_format: str) -> None:
    metadata = Metadata(metadata_of(reopened(marked, exif=camera_exif()), 3).exif, srgb_profile)
    options, dropped = save_options(metadata, image_format)
    written = reopened(marked, image_format, **options)

    assert dropped == []
    assert written.getexif()[MAKE] == "nvc test camera"
    assert written.info["icc_profile"] == srgb_profile


@pytest.mark.parametrize("image_format", ["BMP", "PPM", "GIF"])
def test_formats_that_cannot_hold_metadata_say_what_they_drop(image_format: str) -> None:
    assert save_options(Metadata(TIFF, b"p"), image_format) == ({}, ["EXIF", "ICC profile"])
    assert save_options(Metadata(), image_format) == ({}, [])


def test_exif_too_long_for_a_jpeg_segment_is_dropped_alone() -> None:
    long_exif = TIFF + bytes(JPEG_MAX_EXIF)
    options, dropped = save_options(Metadata(long_exif, b"p"), "JPEG")
    assert options == {"icc_profile": b"p"} and dropped == ["EXIF"]
