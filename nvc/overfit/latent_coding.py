"""Range coding of the latent grids with the fixed-point ARM (constriction).

All grids live in one flat buffer of their tiled layouts. Each grid is coded as its own
stream of ``QuantizedLaplace`` symbols over its [low, high] range, in the decoding order:
front by front (see ``nvc.overfit.context``), and within a front grid by grid. The
decoder therefore runs one vectorised ARM evaluation per front for every tile of every
grid at once, instead of one per latent.
"""

from __future__ import annotations

from dataclasses import dataclass

import constriction
import numpy as np

from entropy import EntropyDecodeError
from entropy.coder import DECODER_FAILURES, finish, new_decoder, new_encoder
from nvc.overfit.context import GUTTER, TILE, TiledLayout, front_slope
from nvc.overfit.fixed_point import FixedPointArm, coder_parameters

ARM_BATCH = 65536  # latents per vectorised ARM call when encoding


@dataclass(frozen=True)
class CodingOrder:
    """Where every latent sits in the flat tiled buffer, in decoding order."""

    layouts: tuple[TiledLayout, ...]
    bases: np.ndarray  # start of each grid's layout in the buffer
    positions: np.ndarray  # buffer index of each latent, in decoding order
    levels: np.ndarray  # grid of each latent, in decoding order
    grid_offsets: np.ndarray  # (grids, context) buffer offsets of the neighbours
    front_starts: np.ndarray  # first latent of every front (and the end)

    @property
    def buffer_size(self) -> int:
        """Length of the flat buffer."""
        last = self.layouts[-1].shape
        return int(self.bases[-1]) + last[0] * last[1]

    def contexts(self, buffer: np.ndarray, start: int, stop: int) -> np.ndarray:
        """(n, context) neighbour values of the latents start..stop (in decoding order)."""
        return buffer[self.positions[start:stop, None] + self.grid_offsets[self.levels[start:stop]]]

    def level_slices(self, start: int, stop: int) -> list[tuple[int, int, int]]:
        """(grid, first, end) runs of one grid within latents start..stop of one front."""
        levels = self.levels[start:stop]
        if not len(levels):  # a narrow grid leaves some fronts empty
            return []
        cuts = np.flatnonzero(np.diff(levels)) + 1
        edges = [0, *cuts.tolist(), len(levels)]
        return [(int(levels[a]), start + a, start + b) for a, b in zip(edges[:-1], edges[1:])]


def coding_order(shapes: list[tuple[int, int]], offsets: tuple[tuple[int, int], ...], tile: int = TILE) -> CodingOrder:
    """The decoding order of grids of the given shapes under a context of ``offsets``."""
    slope = front_slope(offsets)
    layouts = tuple(TiledLayout(h, w, tile) for h, w in shapes)
    sizes = [layout.shape[0] * layout.shape[1] for layout in layouts]
    bases = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    positions, fronts, levels = [], [], []
    for level, (layout, base) in enumerate(zip(layouts, bases)):
        rows, columns = np.arange(layout.height), np.arange(layout.width)
        tiled_rows = GUTTER + (rows // tile) * (tile + GUTTER) + rows % tile
        tiled_columns = GUTTER + (columns // tile) * (tile + GUTTER) + columns % tile
        positions.append((base + tiled_rows[:, None] * layout.shape[1] + tiled_columns[None, :]).ravel())
        fronts.append(((columns % tile)[None, :] + slope * (rows % tile)[:, None]).ravel())
        levels.append(np.full(layout.height * layout.width, level, dtype=np.int64))
    position, front, level = (np.concatenate(parts) for parts in (positions, fronts, levels))
    order = np.argsort(front * len(shapes) + level, kind="stable")
    front = front[order]
    grid_offsets = np.array([[dy * layout.shape[1] + dx for dy, dx in offsets] for layout in layouts], dtype=np.int64)
    front_starts = np.searchsorted(front, np.arange(int(front[-1]) + 2))
    return CodingOrder(layouts, bases, position[order], level[order], grid_offsets, front_starts)


def _model(low: int, high: int) -> constriction.stream.model.QuantizedLaplace:
    return constriction.stream.model.QuantizedLaplace(low, high)


def encode_latents(grids: list[np.ndarray], arm: FixedPointArm, order: CodingOrder) -> list[tuple[int, int, bytes]]:
    """(low, high, stream) for every integer grid (full resolution first)."""
    buffer = np.zeros(order.buffer_size)
    for grid, layout, base in zip(grids, order.layouts, order.bases):
        rows, columns = layout.shape
        tiled = np.asarray(layout.to_tiled_numpy(grid.astype(np.float64)))
        buffer[base : base + rows * columns] = tiled.ravel()
    count = len(order.positions)
    means, scales = np.empty(count), np.empty(count)
    for start in range(0, count, ARM_BATCH):
        stop = min(count, start + ARM_BATCH)
        mean, scale_index = arm(order.contexts(buffer, start, stop))
        means[start:stop], scales[start:stop] = coder_parameters(mean, scale_index)
    symbols = buffer[order.positions].astype(np.int32)
    coded = []
    for level, grid in enumerate(grids):
        low, high = int(grid.min()), int(grid.max())
        if low == high:
            coded.append((low, high, b""))
            continue
        chosen = order.levels == level
        encoder = new_encoder()
        encoder.encode(symbols[chosen], _model(low, high), means[chosen], scales[chosen])
        coded.append((low, high, finish(encoder)))
    return coded


def decode_latents(coded: list[tuple[int, int, bytes]], arm: FixedPointArm, order: CodingOrder) -> list[np.ndarray]:
    """Inverse of ``encode_latents``: the integer grids; EntropyDecodeError if damaged."""
    buffer = np.zeros(order.buffer_size)
    decoders = [new_decoder(data) if low != high else None for low, high, data in coded]
    models = [_model(low, high) if low != high else None for low, high, _ in coded]
    starts = order.front_starts
    try:
        for front in range(len(starts) - 1):
            start, stop = int(starts[front]), int(starts[front + 1])
            mean, scale_index = arm(order.contexts(buffer, start, stop))
            means, scales = coder_parameters(mean, scale_index)
            values = np.empty(stop - start)
            for level, first, end in order.level_slices(start, stop):
                a, b = first - start, end - start
                if decoders[level] is None:
                    values[a:b] = coded[level][0]
                else:
                    values[a:b] = decoders[level].decode(models[level], means[a:b], scales[a:b])
            buffer[order.positions[start:stop]] = values
    except DECODER_FAILURES as error:
        raise EntropyDecodeError(f"latent stream cannot be decoded: {error}") from error
    grids = []
    for layout, base in zip(order.layouts, order.bases):
        rows, columns = layout.shape
        grids.append(layout.from_tiled_numpy(buffer[base : base + rows * columns].reshape(rows, columns)).astype(np.int32))
    return grids
