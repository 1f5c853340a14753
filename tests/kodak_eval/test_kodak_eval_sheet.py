"""The comparison sheet: setting choice, crops from real codecs, bad crops, drawing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from kodak_eval.codecs import get_codec
from kodak_eval.codecs.base import Codec
from kodak_eval.errors import EvalError
from kodak_eval.sheet import SheetTile, closest_setting, draw_sheet, sheet_tiles


class FakeCodec(Codec):
    """Emits ``setting`` bytes (so bpp is under the test's control) and decodes to grey."""

    name, label, suffix, settings = "fake", "Fake", ".bin", (10, 20, 40, 80)

    @property
    def identity(self) -> str:
        return "fake"

    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        return b"x" * setting

    def decode(self, data: bytes, height: int, width: int) -> np.ndarray:
        return np.full((height, width, 3), 128, np.uint8)


@pytest.fixture
def image_path(tmp_path):
    """A 64x48 (width x height) smooth image with some texture, as a PNG file."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:48, 0:64]
    base = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1).astype(np.float64)
    pixels = np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)
    path = tmp_path / "tiny.png"
    Image.fromarray(pixels).save(path)
    return path


def test_closest_setting_picks_nearest_bpp():
    rgb = np.zeros((8, 10, 3), np.uint8)  # 80 pixels: bpp = 8 * setting / 80 = setting / 10
    assert closest_setting(FakeCodec(), rgb, 2.1)[0] == 20
    assert closest_setting(FakeCodec(), rgb, 5.0)[0] == 40
    assert closest_setting(FakeCodec(), rgb, 100.0)[0] == 80
    setting, data = closest_setting(FakeCodec(), rgb, 0.0)
    assert (setting, data) == (10, b"x" * 10)


def test_closest_setting_tie_takes_lower_bpp():
    rgb = np.zeros((8, 10, 3), np.uint8)
    assert closest_setting(FakeCodec(), rgb, 3.0)[0] == 20  # 2.0 and 4.0 are equally far


def test_sheet_tiles_with_real_codecs(image_path):
    codecs = [get_codec("jpeg-420"), get_codec("webp")]
    tiles = sheet_tiles(image_path, codecs, target_bpp=1.0, crop=(8, 4, 32, 24))
    assert [tile.label for tile in tiles] == ["original", codecs[0].label, codecs[1].label]
    original = np.asarray(Image.open(image_path).convert("RGB"))
    np.testing.assert_array_equal(tiles[0].pixels, original[4:28, 8:40])
    assert tiles[0].setting is None and tiles[0].psnr == math.inf
    for tile, codec in zip(tiles[1:], codecs):
        assert tile.pixels.shape == (24, 32, 3) and tile.pixels.dtype == np.uint8
        assert tile.setting in codec.settings
        assert tile.bpp > 0 and 10 < tile.psnr < 80


def test_sheet_tiles_default_crop_is_clamped(image_path):
    tiles = sheet_tiles(image_path, [FakeCodec()], target_bpp=0.5, crop=None)
    assert [tile.pixels.shape for tile in tiles] == [(48, 64, 3), (48, 64, 3)]


@pytest.mark.parametrize("crop", [(0, 0, 0, 10), (0, 0, 10, -1), (-1, 0, 10, 10), (60, 0, 10, 10), (0, 40, 10, 10)])
def test_bad_crop_raises(image_path, crop):
    with pytest.raises(EvalError, match="crop"):
        sheet_tiles(image_path, [FakeCodec()], target_bpp=0.5, crop=crop)


def test_draw_sheet_writes_png(tmp_path):
    rng = np.random.default_rng(1)
    tiles = [SheetTile("original", None, 24.0, math.inf, rng.integers(0, 256, (24, 32, 3), dtype=np.uint8))]
    tiles += [SheetTile(f"codec {i}", i, 0.25 * i, 30.0 + i, tiles[0].pixels) for i in range(1, 5)]
    out = draw_sheet(tiles, tmp_path / "sheets" / "kodim01.png", "kodim01 at 0.5 bpp")
    assert out == tmp_path / "sheets" / "kodim01.png"
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width > 100
