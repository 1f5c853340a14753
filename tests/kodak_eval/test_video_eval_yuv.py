"""BT.601 limited-range 4:2:0 conversions and the per-frame PSNRs of the video evaluation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kodak_eval.video.quality import MAX_PSNR, capped_psnr, frame_quality, weighted_yuv
from kodak_eval.video.yuv import Planes, downsample_chroma, rgb_to_yuv420, upsample_chroma, yuv420_to_rgb

ONE_LEVEL_PSNR = 20 * math.log10(255)  # PSNR of an error of exactly 1 everywhere


def solid(rgb, size=4):
    return np.broadcast_to(np.array(rgb, np.uint8), (size, size, 3)).copy()


@pytest.mark.parametrize("rgb, yuv", [((0, 0, 0), (16, 128, 128)), ((255, 255, 255), (235, 128, 128)),
                                      ((255, 0, 0), (81, 90, 240)), ((0, 0, 255), (41, 240, 110))])
def test_limited_range_bt601_values(rgb, yuv):
    planes = rgb_to_yuv420(solid(rgb))
    assert (planes.y[0, 0], planes.u[0, 0], planes.v[0, 0]) == yuv
    assert planes.y.shape == (4, 4) and planes.u.shape == planes.v.shape == (2, 2)


def test_chroma_is_the_block_mean_and_upsampling_is_centre_sited_bilinear():
    plane = np.arange(16, dtype=np.float64).reshape(4, 4)
    assert downsample_chroma(plane).tolist() == [[2.5, 4.5], [10.5, 12.5]]
    up = upsample_chroma(np.array([[0.0, 4.0]]))
    assert up.tolist() == [[0.0, 1.0, 3.0, 4.0], [0.0, 1.0, 3.0, 4.0]]
    assert np.all(upsample_chroma(np.full((3, 5), 77, np.uint8)) == 77)


def test_round_trip_error_is_small_on_a_smooth_image():
    rows, cols = np.mgrid[0:64, 0:96]
    rgb = np.stack([rows * 3, cols * 2, (rows + cols) * 1.3], axis=2).clip(0, 255).astype(np.uint8)
    back = yuv420_to_rgb(rgb_to_yuv420(rgb))
    assert back.shape == rgb.shape and back.dtype == np.uint8
    assert capped_psnr(rgb, back) > 45
    assert np.abs(back.astype(int) - rgb).max() <= 4


def test_psnr_is_capped_for_identical_planes_and_exact_for_a_known_offset():
    plane = np.full((8, 8), 100, np.uint8)
    assert capped_psnr(plane, plane) == MAX_PSNR
    assert capped_psnr(plane, plane + 1) == pytest.approx(ONE_LEVEL_PSNR)
    assert capped_psnr(plane, plane + 2) == pytest.approx(ONE_LEVEL_PSNR - 20 * math.log10(2))


def test_frame_quality_weights_planes_6_1_1():
    source = Planes(np.full((4, 4), 100, np.uint8), np.full((2, 2), 120, np.uint8), np.full((2, 2), 130, np.uint8))
    decoded = Planes(source.y + 1, source.u + 2, source.v)
    rgb = solid((10, 20, 30))
    quality = frame_quality(source, rgb, decoded, rgb)
    assert quality.y == pytest.approx(ONE_LEVEL_PSNR)
    assert quality.u == pytest.approx(ONE_LEVEL_PSNR - 20 * math.log10(2))
    assert quality.v == MAX_PSNR and quality.rgb == MAX_PSNR
    assert quality.yuv == pytest.approx((6 * quality.y + quality.u + quality.v) / 8)
    assert weighted_yuv(30.0, 40.0, 50.0) == pytest.approx(33.75)
