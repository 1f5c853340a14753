"""Block motion: estimation finds known shifts, compensation is exact, fields code losslessly."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bitstream import FormatError
from nvc.video.motion import BLOCK, block_grid, block_prediction, compensate, estimate_motion
from nvc.video.motion_coding import decode_motion, encode_motion


def textured(height: int, width: int, seed: int = 0) -> torch.Tensor:
    """Smooth random texture (1, 3, H, W) in [0, 1]: blocks can be told apart."""
    noise = torch.rand((1, 3, height // 4 + 1, width // 4 + 1), generator=torch.Generator().manual_seed(seed))
    return torch.nn.functional.interpolate(noise, scale_factor=4, mode="bilinear")[..., :height, :width]


def test_block_grid_covers_the_frame():
    assert block_grid(BLOCK * 3, BLOCK * 2 + 1) == (3, 3)


@pytest.mark.parametrize("dy, dx", [(3, -5), (-7, 2), (0, 0)])
def test_integer_shift_is_found_in_the_interior(dy, dx):
    scene = textured(120, 150)
    reference, current = scene[..., 20:100, 20:132], scene[..., 20 + dy : 100 + dy, 20 + dx : 132 + dx]
    motion = estimate_motion(current, reference)
    interior = motion[:, 1:-1, 1:-1]
    assert (interior[0] == 2 * dy).all() and (interior[1] == 2 * dx).all()


def test_half_pixel_shift_is_found():
    scene = textured(90, 120, seed=3)
    reference = scene[..., :, :-1]
    current = (scene[..., :, :-1] + scene[..., :, 1:]) / 2  # half a pixel to the right
    motion = estimate_motion(current, reference)
    assert (motion[1, 1:-1, 1:-2] == 1).all() and (motion[0] == 0).all()


def test_compensation_is_identity_for_zero_motion_and_a_shift_otherwise():
    reference = textured(48, 64)
    zero = np.zeros((2, *block_grid(48, 64)), dtype=np.int32)
    assert torch.allclose(compensate(reference, zero), reference, atol=1e-6)
    shifted = np.full_like(zero, 4)  # two pixels down and right
    assert torch.allclose(compensate(reference, shifted)[..., :-2, :-2], reference[..., 2:, 2:], atol=1e-6)
    assert torch.equal(block_prediction(reference, shifted)[..., :-2, :-2], reference[..., 2:, 2:])


def test_overlapped_blocks_blend_across_block_edges():
    reference = textured(32, 32)
    field = np.zeros((2, 2, 2), dtype=np.int32)
    field[1, :, 1] = 8  # the right-hand blocks read 4 px further right
    blocks, overlapped = block_prediction(reference, field), compensate(reference, field)
    def jump(prediction: torch.Tensor) -> torch.Tensor:
        """The largest step between neighbouring columns around the block edge."""
        around_edge = prediction[..., BLOCK - 2 : BLOCK + 2]
        return (around_edge[..., 1:] - around_edge[..., :-1]).abs().max()

    assert torch.allclose(overlapped[..., :, :BLOCK // 2], blocks[..., :, :BLOCK // 2], atol=1e-6)
    assert jump(overlapped) < jump(blocks)


@settings(max_examples=40, deadline=None)
@given(arrays(np.int32, st.tuples(st.just(2), st.integers(1, 6), st.integers(1, 7)), elements=st.integers(-70, 70)))
def test_motion_fields_round_trip(motion):
    assert np.array_equal(decode_motion(encode_motion(motion), *motion.shape[1:]), motion)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=40))
def test_garbage_motion_data_gives_a_format_error_or_a_field(data):
    try:
        field = decode_motion(data, 3, 4)
    except FormatError:
        return
    assert field.shape == (2, 3, 4)


def test_a_still_scene_costs_a_few_bytes_of_motion():
    frame = textured(64, 96)
    motion = estimate_motion(frame, frame)
    assert not motion.any() and len(encode_motion(motion)) <= 8
