"""Blending decoded tiles into one image, a row of tiles at a time: where two tiles
overlap, the first fades out and the second fades in along a linear ramp, so seams do not
show. Only one row of tiles is held in floating point; outside overlaps every pixel is
its tile's, exactly."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nvc.tiles.grid import Span, TileGrid

CHANNELS = 3


def _rising(length: int) -> np.ndarray:
    """Weights of the later tile across an overlap of ``length`` pixels; the earlier
    tile's are one minus these."""
    return ((np.arange(length) + 0.5) / max(length, 1)).astype(np.float32)


def span_weights(spans: tuple[Span, ...], index: int) -> np.ndarray:
    """float32 weights along one side of span ``index``: 1, rising across its overlap with
    the span before and falling across its overlap with the span after; the weights of
    the spans covering a pixel add up to 1."""
    start, stop = spans[index]
    weights = np.ones(stop - start, np.float32)
    if index > 0:
        weights[: spans[index - 1][1] - start] = _rising(spans[index - 1][1] - start)
    if index + 1 < len(spans):
        overlap = stop - spans[index + 1][0]
        weights[len(weights) - overlap :] = 1 - _rising(overlap)
    return weights


def blend_tiles(grid: TileGrid, width: int, height: int, tiles: Iterator[np.ndarray]) -> np.ndarray:
    """The (height, width, 3) uint8 image made of the grid's tiles, whose (h, w, 3) uint8
    pixels ``tiles`` yields in raster order."""
    image = np.empty((height, width, CHANNELS), np.uint8)
    carried = np.zeros((0, width, CHANNELS), np.float32)  # the overlap with the row below, so far
    for row, (top, bottom) in enumerate(grid.rows):
        band = np.zeros((bottom - top, width, CHANNELS), np.float32)
        band[: len(carried)] = carried
        row_weights = span_weights(grid.rows, row)
        for column, (left, right) in enumerate(grid.columns):
            weights = np.outer(row_weights, span_weights(grid.columns, column))
            band[:, left:right] += next(tiles) * weights[..., None]
        finished = (grid.rows[row + 1][0] if row + 1 < len(grid.rows) else bottom) - top
        image[top : top + finished] = np.clip(np.rint(band[:finished]), 0, 255)
        carried = band[finished:].copy()
    return image
