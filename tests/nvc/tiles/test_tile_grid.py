"""Where tiles lie and how they blend: the encoder's plan, the decoder's checks on the
tiles a stream declares, the size limits, and the blending weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bitstream import FormatError
from nvc.tiles.blend import blend_tiles, span_weights
from nvc.tiles.grid import (
    MAX_PIXELS,
    MAX_TILE_PIXELS,
    TILE_OVERLAP,
    TILE_STRIDE,
    Tile,
    TileGrid,
    check_grid,
    default_tiles,
    pack_tile,
    plan_spans,
    plan_tiles,
    size_problem,
    unpack_tile,
)

sides = st.integers(1, 20000)


@given(length=sides, stride=st.integers(1, 3000), extra=st.integers(0, 3000))
def test_planned_spans_cover_the_side_and_overlap_only_neighbours(length, stride, extra):
    overlap = min(extra, stride)
    spans = plan_spans(length, stride, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == length
    assert all(stop - start <= stride + overlap for start, stop in spans)
    for (start, stop), (next_start, next_stop) in zip(spans, spans[1:]):
        assert start < next_start <= stop < next_stop
        assert stop - next_start == min(overlap, length - next_start)
    if len(spans) > 1:
        assert spans[-1][1] - spans[-1][0] > overlap  # no tile lies wholly in its neighbour's overlap


@given(width=sides, height=sides)
def test_the_decoder_accepts_every_grid_the_encoder_plans(width, height):
    tiles = plan_tiles(width, height, 1500, 60)
    grid = check_grid(tiles, width, height)
    assert grid.tiles() == tiles


def test_images_up_to_the_limit_are_coded_in_one_piece():
    """Kodak-sized images and anything up to 2048x2048 code exactly as before tiling existed."""
    assert default_tiles(768, 512) is None
    assert default_tiles(2048, 2048) is None
    assert default_tiles(4096, 1024) is None
    assert len(default_tiles(2049, 2048)) == 4


def test_8192_square_is_cut_into_tiles_of_bounded_size():
    tiles = default_tiles(8192, 8192)
    assert len(tiles) == 36
    assert max(tile.width * tile.height for tile in tiles) == (TILE_STRIDE + TILE_OVERLAP) ** 2 <= MAX_TILE_PIXELS


def test_size_limits_name_the_limit():
    assert size_problem(8192, 8192, tiled=True) is None
    assert size_problem(2048, 2048, tiled=False) is None
    assert "MAX_TILE_PIXELS" in size_problem(8192, 8192, tiled=False)
    assert str(MAX_PIXELS) in size_problem(65536, 65536, tiled=True)


def test_tile_record_round_trip_and_refusals():
    tile = Tile(1536, 3072, 1600, 64)
    assert unpack_tile(pack_tile(tile)) == tile
    with pytest.raises(FormatError, match="expected 16"):
        unpack_tile(pack_tile(tile)[:-1])
    with pytest.raises(FormatError, match="empty tile"):
        unpack_tile(pack_tile(Tile(0, 0, 0, 5)))


GRID = plan_tiles(300, 200, 128, 16)  # 3 columns x 2 rows


@pytest.mark.parametrize("tiles, message", [
    (GRID[:-1], "grid"),  # a tile missing
    (GRID[:3] + GRID[4:] + GRID[3:4], "grid"),  # out of raster order
    (GRID + GRID[-1:], "grid"),  # a tile repeated
    ([Tile(0, 0, 150, 200), Tile(140, 0, 160, 200)][::-1], "cover"),  # columns backwards
    ([Tile(0, 0, 150, 200), Tile(151, 0, 149, 200)], "start inside"),  # a gap
    ([Tile(0, 0, 150, 200), Tile(100, 0, 40, 200), Tile(120, 0, 180, 200)], "start inside"),  # inside its neighbour
    ([Tile(0, 0, 150, 200), Tile(100, 0, 100, 200), Tile(140, 0, 160, 200)], "other than their neighbours"),
    ([Tile(0, 0, 300, 190)], "cover"),  # the last rows uncovered
    ([Tile(0, 0, 4096, 1025)], "MAX_TILE_PIXELS"),
])
def test_tiles_that_do_not_form_a_grid_are_refused(tiles, message):
    width = max(tile.x + tile.width for tile in tiles)
    height = 200 if width == 300 else max(tile.y + tile.height for tile in tiles)
    with pytest.raises(FormatError, match=message):
        check_grid(tiles, width, height)


@given(length=st.integers(1, 5000), stride=st.integers(1, 700), extra=st.integers(0, 700))
def test_weights_of_overlapping_spans_add_up_to_one(length, stride, extra):
    spans = plan_spans(length, stride, min(extra, stride))
    total = np.zeros(length)
    for index, (start, stop) in enumerate(spans):
        weights = span_weights(spans, index)
        assert weights.min() > 0 and weights.max() <= 1
        total[start:stop] += weights
    np.testing.assert_allclose(total, 1, atol=1e-6)


def test_blending_exact_crops_gives_back_the_image():
    image = np.random.default_rng(0).integers(0, 256, (200, 300, 3), dtype=np.uint8)
    tiles = plan_tiles(300, 200, 64, 24)
    grid = check_grid(tiles, 300, 200)
    blended = blend_tiles(grid, 300, 200, (image[tile.region] for tile in tiles))
    assert np.array_equal(blended, image)


def test_blending_fades_across_an_overlap():
    grid = TileGrid(((0, 1),), ((0, 6), (2, 8)))
    left, right = np.zeros((1, 6, 3), np.uint8), np.full((1, 6, 3), 200, np.uint8)
    row = blend_tiles(grid, 8, 1, iter([left, right]))[0, :, 0]
    assert list(row) == [0, 0, 25, 75, 125, 175, 200, 200]
