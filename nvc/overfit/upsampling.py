"""Learned upsampling of the latent grids to one full-resolution stack.

From the coarsest grid up: the stack so far is upsampled 2x by a separable, symmetric
8-tap transposed filter (one per step, started as bicubic), cropped to the next grid's
size, and the next grid, passed through its own separable symmetric 7-tap filter plus
itself, is put in front of it. The result has one channel per grid, full resolution first.
Borders are replicated.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from nvc.overfit.filters import polyphase

# Half of the bicubic (a = -0.75) 2x interpolation kernel, outer taps first.
BICUBIC_HALF = (-0.0234375, -0.0703125, 0.2265625, 0.8671875)
UPSAMPLING_TAPS, SMOOTHING_TAPS = 8, 7
_PAD = 2  # input samples replicated on each side before the transposed filter


def symmetric(half: torch.Tensor, odd: bool) -> torch.Tensor:
    """The full kernel of a symmetric filter from its first half (centre last when odd)."""
    return torch.cat([half, half[:-1].flip(0) if odd else half.flip(0)])


def upsample2x(x: torch.Tensor, kernel: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(1, C, h, w) -> (1, C, height, width), height <= 2h: the 8-tap 2x filter ``kernel``
    along both axes (even taps for even outputs), output 2i + c at input position i + (2c - 1) / 4."""
    phases = torch.stack([kernel[0::2], kernel[1::2]])
    x = F.pad(x, (_PAD, _PAD, _PAD, _PAD), mode="replicate")
    x = polyphase(x, phases, (0, 1), -1, x.shape[-1] - 2 * _PAD)
    return polyphase(x, phases, (0, 1), -2, x.shape[-2] - 2 * _PAD)[..., :height, :width]


def smooth(x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """(1, C, h, w) filtered by the separable ``kernel`` along both axes, borders replicated."""
    pad = kernel.numel() // 2
    x = F.pad(x, (pad, pad, pad, pad), mode="replicate")
    x = polyphase(x, kernel[None], (0,), -1, x.shape[-1] - 2 * pad)
    return polyphase(x, kernel[None], (0,), -2, x.shape[-2] - 2 * pad)


class Upsampling(nn.Module):
    """One upsampling filter and one smoothing filter per step between grids."""

    def __init__(self, levels: int):
        super().__init__()
        steps = levels - 1
        self.upsampling = nn.Parameter(torch.tensor(BICUBIC_HALF).repeat(steps, 1))
        self.smoothing = nn.Parameter(torch.zeros(steps, (SMOOTHING_TAPS + 1) // 2))

    def weights_and_biases(self) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
        """The filters (weights; there are no biases)."""
        return [self.upsampling, self.smoothing], []

    def forward(self, grids: list[torch.Tensor]) -> torch.Tensor:
        """Grids (full resolution first, each (h, w)) -> (1, levels, H, W) stack."""
        stack = grids[-1][None, None]
        for step in reversed(range(len(grids) - 1)):
            grid = grids[step][None, None]
            height, width = grid.shape[-2:]
            up = upsample2x(stack, symmetric(self.upsampling[step], odd=False), height, width)
            grid = grid + smooth(grid, symmetric(self.smoothing[step], odd=True))
            stack = torch.cat([grid, up], 1)
        return stack
