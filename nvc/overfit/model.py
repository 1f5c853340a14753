"""The per-image model: latent grids, the ARM, the upsampling and the synthesis.

    grids --round--> integers --ARM--> bits
                          \\--upsampling--> stack --synthesis--> RGB

``OverfitModel.forward`` gives the reconstruction and the bits of the latents for one of
the rounding modes of ``nvc.overfit.quantizer``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from nvc.overfit.arm import Arm, ArmRate, BandFunction, band_bits_and_gradients, grid_bits
from nvc.overfit.config import OverfitConfig
from nvc.overfit.context import TiledLayout
from nvc.overfit.quantizer import noisy_soft_round
from nvc.overfit.synthesis import Synthesis
from nvc.overfit.upsampling import Upsampling


def eight_bit(image: torch.Tensor) -> torch.Tensor:
    """An image in [0, 1] as the decoder outputs it: clamped and rounded to 0..255 (float)."""
    return torch.round(image.clamp(0, 1) * 255)


def eight_bit_mse(reconstruction: torch.Tensor, image: torch.Tensor) -> float:
    """MSE (on the [0, 1] scale) of the 8-bit output of ``reconstruction`` against ``image``."""
    return float(torch.mean((eight_bit(reconstruction) / 255 - image) ** 2))


def grid_shapes(height: int, width: int, levels: int) -> list[tuple[int, int]]:
    """(h, w) of every latent grid, full resolution first."""
    return [(-(-height // 2**level), -(-width // 2**level)) for level in range(levels)]


@dataclass(frozen=True)
class Rounding:
    """How latents are rounded in one forward pass: ``temperature`` None means true rounding."""

    temperature: float | None = None
    deviation: float = 0.0


HARD = Rounding()


class OverfitModel(nn.Module):
    """Everything fitted for one image of ``height`` x ``width``."""

    def __init__(self, config: OverfitConfig, height: int, width: int):
        super().__init__()
        self.config, self.height, self.width = config, height, width
        shapes = grid_shapes(height, width, config.levels)
        self.latents = nn.ParameterList([nn.Parameter(torch.zeros(shape)) for shape in shapes])
        self.arm = Arm(config.context, config.arm_hidden)
        self.upsampling = Upsampling(config.levels)
        self.synthesis = Synthesis(config.levels, config.synthesis_width)
        self.layouts = tuple(TiledLayout(*shape) for shape in shapes)
        self._masks: dict[torch.device, tuple[torch.Tensor, ...]] = {}
        self.band_function: BandFunction = band_bits_and_gradients

    def masks(self) -> tuple[torch.Tensor, ...]:
        """Each grid's real-latent mask in the tiled layout, on the model's device."""
        device = self.latents[0].device
        if device not in self._masks:
            self._masks[device] = tuple(layout.real_mask(device) for layout in self.layouts)
        return self._masks[device]

    def networks(self) -> list[nn.Module]:
        """The modules whose parameters are sent in the stream."""
        return [self.arm, self.upsampling, self.synthesis]

    def rounded_latents(self, rounding: Rounding) -> list[torch.Tensor]:
        """The latent grids in latent units (integers under true rounding)."""
        scaled = [self.config.latent_gain * grid for grid in self.latents]
        if rounding.temperature is None:
            return [torch.round(grid).detach() for grid in scaled]
        return [noisy_soft_round(grid, rounding.temperature, rounding.deviation) for grid in scaled]

    def synthesise(self, grids: list[torch.Tensor]) -> torch.Tensor:
        """(1, 3, H, W) reconstruction from rounded grids."""
        return self.synthesis(self.upsampling(grids))

    def latent_bits(self, grids: list[torch.Tensor]) -> torch.Tensor:
        """Total bits of the grids under the ARM (differentiable when gradients are on)."""
        if not torch.is_grad_enabled():
            weights = self.arm.weights()
            return sum(grid_bits(layout.to_tiled(grid), mask, self.arm.offsets, weights)
                       for layout, mask, grid in zip(self.layouts, self.masks(), grids))
        return ArmRate.apply(self.layouts, self.masks(), self.arm.offsets, self.band_function, *grids, *self.arm.weights())

    def forward(self, rounding: Rounding) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction (1, 3, H, W), bits of the latents)."""
        grids = self.rounded_latents(rounding)
        return self.synthesise(grids), self.latent_bits(grids)
