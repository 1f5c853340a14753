"""Where the entropy model looks: the causal neighbourhood and the tiled layout of a grid.

Each latent is coded with a Laplace whose mean and scale come from its causal neighbours
(``CONTEXT_OFFSETS``, nearest first, as Cool-chic orders them). A grid is cut into
``TILE`` x ``TILE`` tiles that are coded as if each were an image of its own: in the
*tiled layout* every tile has ``GUTTER`` rows of zeros above it and ``GUTTER`` columns of
zeros on its left (and the layout ``GUTTER`` more on the right), so a plain shifted read
of the layout gives each latent its context, with zeros across tile edges. Tiles let the
decoder run all tiles (of all grids) at once, front by front: a latent at tile-local
(row u, column v) is on front ``v + FRONT_SLOPE * u``, and everything a latent sees is on
an earlier front.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

# (row, column) offsets of the causal neighbours, nearest first; a model uses the first N.
CONTEXT_OFFSETS: tuple[tuple[int, int], ...] = (
    (0, -1), (-1, 0), (-1, -1), (-1, 1), (0, -2), (-2, 0), (-3, 0), (0, -3),
    (-1, -2), (-2, 1), (-2, -1), (-1, 2), (-2, -2), (-1, -3), (-2, 2), (-3, 1),
)
MAX_CONTEXT = len(CONTEXT_OFFSETS)
GUTTER = 3  # zero rows above / columns left of every tile: the farthest offset
TILE = 64


def context_offsets(count: int) -> tuple[tuple[int, int], ...]:
    """The first ``count`` neighbours; ValueError if ``count`` is not in 1..MAX_CONTEXT."""
    if not 1 <= count <= MAX_CONTEXT:
        raise ValueError(f"context size {count} is not in 1..{MAX_CONTEXT}")
    return CONTEXT_OFFSETS[:count]


def front_slope(offsets: tuple[tuple[int, int], ...]) -> int:
    """Columns a front moves per row so that every neighbour is on an earlier front."""
    reach = max([dx for dy, dx in offsets if dy == -1] + [0])
    slope = reach + 1
    for dy, dx in offsets:  # rows further up must also be strictly earlier
        if dy < 0 and not dx + slope * dy < 0:
            slope = dx // -dy + 1
    return slope


@dataclass(frozen=True)
class TiledLayout:
    """The tiled layout of one (height, width) grid."""

    height: int
    width: int
    tile: int = TILE

    @property
    def tiles(self) -> tuple[int, int]:
        """Tile rows and tile columns."""
        return -(-self.height // self.tile), -(-self.width // self.tile)

    @property
    def shape(self) -> tuple[int, int]:
        """Rows and columns of the layout, gutters included."""
        rows, columns = self.tiles
        return rows * (self.tile + GUTTER), columns * (self.tile + GUTTER) + GUTTER

    def to_tiled(self, grid: torch.Tensor) -> torch.Tensor:
        """A (height, width) grid in the tiled layout (differentiable)."""
        rows, columns = self.tiles
        t = self.tile
        padded = F.pad(grid, (0, columns * t - self.width, 0, rows * t - self.height))
        blocks = F.pad(padded.reshape(rows, t, columns, t), (GUTTER, 0, 0, 0, GUTTER, 0))
        return F.pad(blocks.reshape(self.shape[0], self.shape[1] - GUTTER), (0, GUTTER))

    def from_tiled(self, tiled: torch.Tensor) -> torch.Tensor:
        """Inverse of ``to_tiled``: the (height, width) grid."""
        rows, columns = self.tiles
        t = self.tile
        blocks = tiled[:, : self.shape[1] - GUTTER].reshape(rows, t + GUTTER, columns, t + GUTTER)
        return blocks[:, GUTTER:, :, GUTTER:].reshape(rows * t, columns * t)[: self.height, : self.width]

    def to_tiled_numpy(self, grid: np.ndarray) -> np.ndarray:
        """``to_tiled`` for a numpy grid."""
        return self.to_tiled(torch.from_numpy(grid)).numpy()

    def from_tiled_numpy(self, tiled: np.ndarray) -> np.ndarray:
        """``from_tiled`` for a numpy layout."""
        return self.from_tiled(torch.from_numpy(tiled)).numpy()

    def real_mask(self, device: torch.device | str = "cpu") -> torch.Tensor:
        """1 where the layout holds a latent of the grid, 0 in gutters and past its edges."""
        return self.to_tiled(torch.ones(self.height, self.width, device=device))
