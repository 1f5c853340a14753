"""nvc compress/decompress and metadata: orientation applied, EXIF and ICC profile written
back where the output format holds them, --strip, animations and multi-page files refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import ExifTags, Image

from cli.main import main

MAKE, ORIENTATION = ExifTags.Base.Make, ExifTags.Base.Orientation


def run(*args: str):
    """The nvc click app run in-process, stdout and stderr captured apart."""
    return CliRunner().invoke(main, list(args))


def round_trip(tmp_path: Path, source: Path, output: str, *options: str):
    """Compress ``source`` with ``options``, decompress to ``output``; the decompress result."""
    stream = tmp_path / "stream.nvc"
    compressed = run("compress", str(source), str(stream), *options)
    assert compressed.exit_code == 0 and compressed.stderr == "", compressed.output
    return run("decompress", str(stream), str(tmp_path / output))


@pytest.fixture
def photo(tmp_path, photo_like, srgb_profile, camera_exif) -> Path:
    """An 80x48 JPEG from a camera held upright (EXIF orientation 6), with an ICC profile."""
    path = tmp_path / "photo.jpg"
    Image.fromarray(photo_like).save(path, exif=camera_exif(6), icc_profile=srgb_profile)
    return path


@pytest.mark.parametrize("output", ["restored.jpg", "restored.png", "restored.webp"])
def test_a_portrait_photo_comes_back_upright_with_its_metadata(tmp_path, tiny_model, photo, srgb_profile, output):
    result = round_trip(tmp_path, photo, output, "-m", tiny_model)

    assert result.exit_code == 0 and result.stderr == "", result.output
    with Image.open(tmp_path / output) as restored:
        exif = restored.getexif()
        assert restored.size == (48, 80)  # stored 80 wide, shown turned a quarter
        assert exif[MAKE] == "nvc test camera"
        assert exif.get(ORIENTATION, 1) == 1
        assert restored.info["icc_profile"] == srgb_profile


def test_an_icc_profile_round_trips_to_png(tmp_path, tiny_model, photo_like, srgb_profile):
    source = tmp_path / "wide.png"
    Image.fromarray(photo_like).save(source, icc_profile=srgb_profile)

    assert round_trip(tmp_path, source, "restored.png", "-m", tiny_model).exit_code == 0
    with Image.open(tmp_path / "restored.png") as restored:
        assert restored.info["icc_profile"] == srgb_profile
        assert restored.size == (80, 48)


def test_strip_drops_the_metadata_but_keeps_the_picture_upright(tmp_path, tiny_model, photo):
    result = round_trip(tmp_path, photo, "restored.png", "-m", tiny_model, "--strip")

    assert result.exit_code == 0 and result.stderr == ""
    with Image.open(tmp_path / "restored.png") as restored:
        assert restored.size == (48, 80)
        assert "icc_profile" not in restored.info and "exif" not in restored.info


def test_strip_makes_a_smaller_stream_of_the_same_image(tmp_path, tiny_model, photo):
    kept, stripped = tmp_path / "kept.nvc", tmp_path / "stripped.nvc"
    assert run("compress", str(photo), str(kept), "-m", tiny_model).exit_code == 0
    assert run("compress", str(photo), str(stripped), "-m", tiny_model, "--strip").exit_code == 0

    info = run("info", str(kept)).output
    assert "exif" in info and "iccp" in info
    assert "exif" not in run("info", str(stripped)).output
    assert stripped.stat().st_size < kept.stat().st_size


def test_an_output_format_without_metadata_warns_what_it_left_out(tmp_path, tiny_model, photo):
    result = round_trip(tmp_path, photo, "restored.bmp", "-m", tiny_model)

    assert result.exit_code == 0
    assert result.stderr == (f"nvc: warning: {tmp_path / 'restored.bmp'}: left out the stream's EXIF and ICC profile, "
                             "which BMP output cannot hold\n")
    with Image.open(tmp_path / "restored.bmp") as restored:
        assert restored.size == (48, 80)


def frames(photo_like: np.ndarray) -> list[Image.Image]:
    return [Image.fromarray(photo_like), Image.fromarray(255 - photo_like)]


@pytest.mark.parametrize(("name", "options"), [
    ("animated.gif", {}), ("animated.png", {}), ("animated.webp", {"lossless": True}), ("pages.tiff", {}),
])
def test_animations_and_multi_page_files_are_refused(tmp_path, tiny_model, photo_like, name, options):
    first, *rest = frames(photo_like)
    first.save(tmp_path / name, save_all=True, append_images=rest, **options)
    result = run("compress", str(tmp_path / name), str(tmp_path / "out.nvc"), "-m", tiny_model)

    assert result.exit_code == 1
    assert result.stderr == (f"nvc: error: cannot compress {tmp_path / name}: it has 2 frames (an animation or pages) "
                             "and nvc codes one still image; extract the frame you want first\n")
    assert not (tmp_path / "out.nvc").exists()


def test_a_camera_jpeg_with_a_preview_image_is_its_first_frame(tmp_path, tiny_model, photo_like):
    first, *rest = frames(photo_like)
    first.save(tmp_path / "camera.mpo", save_all=True, append_images=rest)
    with Image.open(tmp_path / "camera.mpo") as image:
        assert image.format == "MPO" and image.n_frames == 2

    assert round_trip(tmp_path, tmp_path / "camera.mpo", "restored.png", "-m", tiny_model).exit_code == 0
