"""Every codec round-trips at odd and tiny sizes, and its settings sweep rate in order."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kodak_eval.codecs import CLASSIC_CODECS, codec_names, get_codec
from kodak_eval.codecs.video import padded
from kodak_eval.color import rgb_to_ycbcr, ycbcr_to_rgb
from kodak_eval.errors import EvalError
from kodak_eval.metrics import psnr_rgb
from nvc.overfit.presets import WIDE_CONTEXT, WIDE_CONTEXT_FROM


def smooth_image(height: int, width: int) -> np.ndarray:
    rows, cols = np.mgrid[0:height, 0:width]
    rng = np.random.default_rng(height * 1000 + width)
    base = np.stack([rows * 3 + 40, cols * 2 + 60, (rows + cols) + 80], axis=2)
    return np.clip(base + rng.integers(-5, 6, base.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", list(CLASSIC_CODECS))
@pytest.mark.parametrize("size", [(1, 1), (17, 33), (64, 48)])
def test_round_trip_keeps_shape(name, size):
    codec = get_codec(name)
    image = smooth_image(*size)
    decoded = codec.decode(codec.encode(image, codec.settings[-1]), *size)
    assert decoded.shape == image.shape and decoded.dtype == np.uint8


@pytest.mark.parametrize("name", list(CLASSIC_CODECS))
def test_lowest_setting_is_smaller_and_highest_is_close(name):
    codec = get_codec(name)
    image = smooth_image(64, 96)
    low, high = codec.encode(image, codec.settings[0]), codec.encode(image, codec.settings[-1])
    assert len(low) < len(high)
    assert psnr_rgb(image, codec.decode(high, 64, 96)) > 30.0
    assert name in codec.identity


def test_nvc_codec_round_trips(tiny_model):
    codec = get_codec(f"nvc-{tiny_model}")
    assert codec.settings == tuple(range(1, 9))
    image = smooth_image(17, 33)
    assert codec.decode(codec.encode(image, 8), 17, 33).shape == image.shape


def test_unknown_codec_is_a_clear_error():
    with pytest.raises(EvalError, match="unknown codec 'nope'.*jpeg-420"):
        get_codec("nope")
    with pytest.raises(EvalError, match="nope"):
        get_codec("nvc-nope")
    assert "nvc-hyperprior" in codec_names() and "nvc-checkerboard" in codec_names()
    assert "nvc-inter" not in codec_names()  # the P-frame model is not an image codec


def test_colour_conversion_round_trips_within_rounding():
    image = smooth_image(16, 16)
    assert np.abs(ycbcr_to_rgb(rgb_to_ycbcr(image)).astype(int) - image).max() == 0
    grey = rgb_to_ycbcr(np.full((1, 1, 3), 77, np.uint8))[0, 0]
    assert grey == pytest.approx([77.0, 128.0, 128.0])


def test_padding_to_even_and_minimum_sides():
    assert padded(np.zeros((17, 3, 3), np.uint8), 16).shape == (18, 16, 3)
    assert padded(np.zeros((40, 64, 3), np.uint8), 16).shape == (40, 64, 3)


def test_each_overfit_quality_is_cached_under_its_own_architecture():
    codec = get_codec("nvc-overfit")
    assert codec.setting_identity(1) == codec.setting_identity(WIDE_CONTEXT_FROM - 1) != codec.setting_identity(WIDE_CONTEXT_FROM)
    assert f"context={WIDE_CONTEXT}" in codec.setting_identity(WIDE_CONTEXT_FROM)
    assert get_codec("jpeg-420").setting_identity(50) == get_codec("jpeg-420").identity


def test_effort_is_part_of_an_nvc_codec_name_and_cache_identity():
    fast, default = get_codec("nvc-overfit@fast"), get_codec("nvc-overfit")
    assert fast.name == "nvc-overfit@fast" and fast.effort == "fast" and default.effort is None
    assert fast.identity != default.identity != get_codec("nvc-overfit@slow").identity
    assert "nvc-overfit" not in codec_names()  # a fit of minutes per image is asked for by name, not in 'all'
    with pytest.raises(EvalError, match="extreme"):
        get_codec("nvc-overfit@extreme")


def test_refinement_codec_writes_the_stream_of_the_effort_with_as_many_steps(context_model, textured_image,
                                                                              monkeypatch):
    import nvc
    from nvc.image import refine

    shipped = refine.refinement  # a faster schedule, for the tiny model's few steps
    monkeypatch.setattr(refine, "refinement", lambda steps: replace(shipped(steps), learning_rate=0.05))
    monkeypatch.setitem(refine.EFFORTS, "normal", refine.refinement(20))
    codec = get_codec(f"nvc-{context_model}@refine20")
    assert codec.name == f"nvc-{context_model}@refine20" and codec.settings == tuple(range(1, 9))
    assert codec.identity != get_codec(f"nvc-{context_model}@refine21").identity
    image = textured_image[:70, :100]
    data = codec.encode(image, 4)
    assert data == nvc.encode(image, 4, context_model, effort="normal", strip=True)
    assert data != get_codec(f"nvc-{context_model}@refine0").encode(image, 4)
    assert codec.decode(data, 70, 100).shape == image.shape


def test_refinement_steps_are_only_for_the_hyperprior_family():
    with pytest.raises(EvalError, match="refinement steps are for"):
        get_codec("nvc-overfit@refine10")
