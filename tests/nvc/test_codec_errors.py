"""Requests the codec refuses with CodecError (never FormatError, never a bare crash)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import nvc
from nvc import CodecError, FormatError


@pytest.mark.parametrize("quality", [0, -1, 9, 99])
def test_quality_out_of_range(tiny_model: str, photo_like: np.ndarray, quality: int) -> None:
    with pytest.raises(CodecError, match=rf"quality {quality} is out of range for model 'test-tiny' \(1\.\.8\)"):
        nvc.encode(photo_like, quality=quality, model=tiny_model)


def test_unknown_model(tiny_model: str, photo_like: np.ndarray) -> None:
    with pytest.raises(CodecError, match="unknown model 'no-such-model'") as info:
        nvc.encode(photo_like, quality=4, model="no-such-model")
    assert tiny_model in str(info.value)  # the message lists the available models
    assert not isinstance(info.value, FormatError)


@pytest.mark.parametrize("alpha_value", [0, 128, 254])
def test_rgba_with_transparency(tiny_model: str, photo_like: np.ndarray, alpha_value: int) -> None:
    rgba = np.concatenate([photo_like, np.full((48, 80, 1), 255, np.uint8)], axis=2)
    rgba[47, 79, 3] = alpha_value  # one pixel is enough
    with pytest.raises(CodecError, match="transparency"):
        nvc.encode(rgba, quality=4, model=tiny_model)
    with pytest.raises(CodecError, match="transparency"):
        nvc.encode(Image.fromarray(rgba), quality=4, model=tiny_model)


def test_gray_with_transparency(tiny_model: str, photo_like: np.ndarray) -> None:
    la = np.stack([photo_like[..., 0], np.full((48, 80), 255, np.uint8)], axis=2)
    assert nvc.read_header(nvc.encode(la, quality=2, model=tiny_model)).channels == 1  # opaque LA is fine
    la[0, 0, 1] = 0
    with pytest.raises(CodecError, match="transparency"):
        nvc.encode(la, quality=2, model=tiny_model)


def test_palette_image_with_transparency(tiny_model: str) -> None:
    image = Image.new("P", (8, 8))
    image.info["transparency"] = 0
    with pytest.raises(CodecError, match="transparency"):
        nvc.encode(image, quality=2, model=tiny_model)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint16, np.int64, bool])
def test_non_uint8_arrays(tiny_model: str, dtype) -> None:
    pixels = np.zeros((8, 8, 3), dtype=dtype)
    with pytest.raises(CodecError, match="uint8"):
        nvc.encode(pixels, quality=4, model=tiny_model)


def test_float_image_in_unit_range(tiny_model: str, photo_like: np.ndarray) -> None:
    with pytest.raises(CodecError, match="float"):
        nvc.encode(photo_like / 255.0, quality=4, model=tiny_model)


@pytest.mark.parametrize("shape", [(0, 0), (0, 5), (5, 0), (0, 5, 3), (5, 0, 3), (0, 0, 4)])
def test_empty_arrays(tiny_model: str, shape: tuple[int, ...]) -> None:
    with pytest.raises(CodecError, match="empty"):
        nvc.encode(np.zeros(shape, np.uint8), quality=4, model=tiny_model)


@pytest.mark.parametrize("shape", [(5,), (4, 4, 5), (4, 4, 3, 1), ()])
def test_wrong_shapes(tiny_model: str, shape: tuple[int, ...]) -> None:
    with pytest.raises(CodecError, match="shape|expected"):
        nvc.encode(np.zeros(shape, np.uint8), quality=4, model=tiny_model)


@pytest.mark.parametrize("mode", ["I;16", "F", "1", "I"])
def test_unsupported_pil_modes(tiny_model: str, mode: str) -> None:
    with pytest.raises(CodecError):
        nvc.encode(Image.new(mode, (8, 8)), quality=4, model=tiny_model)


def test_cmyk_pil_image_is_converted(tiny_model: str) -> None:
    data = nvc.encode(Image.new("CMYK", (9, 7), (0, 0, 0, 0)), quality=4, model=tiny_model)
    assert nvc.decode(data).shape == (7, 9, 3)


def test_codec_error_is_a_value_error_but_not_a_format_error() -> None:
    assert issubclass(CodecError, ValueError)
    assert not issubclass(CodecError, FormatError)
