"""The architecture of an overfitted image model (its sizes are written into every stream)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OverfitConfig:
    """Sizes of the per-image model. ``levels``, ``context``, ``arm_hidden`` and
    ``synthesis_width`` are sent in each stream; the gain and the qualities are fixed."""

    levels: int = 7  # latent grids, from full resolution down to 1 / 2**(levels - 1)
    context: int = 8  # causal neighbours the ARM sees
    arm_hidden: int = 2  # residual hidden layers of the ARM, each `context` wide
    synthesis_width: int = 16  # hidden channels of the synthesis MLP
    latent_gain: float = 16.0  # latents are stored as round(gain * parameter)
    quality_levels: int = 8  # qualities 1..8, each a lambda (nvc.overfit.presets)

    def parameter_arrays(self) -> int:
        """How many parameter arrays the networks have: a weight and a bias per ARM layer,
        two upsampling filters, and the synthesis' two layers and two 3x3 convolutions."""
        return 2 * (self.arm_hidden + 1) + 2 + 8

    def macs_per_pixel(self) -> float:
        """Decoder multiply-accumulates per pixel (ARM on every latent, upsampling, synthesis)."""
        latents_per_pixel = sum(4.0**-level for level in range(self.levels))
        arm = self.arm_hidden * self.context**2 + 2 * self.context
        # per step to grid s: the 2x filter on every channel of the stack so far (4 taps per
        # output along rows, on half the rows, then 4 along columns: 6 per output), and the
        # 7-tap smoothing of grid s along both axes
        upsampling = sum(((self.levels - 1 - step) * 6 + 14) * 4.0**-step for step in range(self.levels - 1))
        synthesis = self.levels * self.synthesis_width + self.synthesis_width * 3 + 2 * 81  # two 3x3 convs, 3 -> 3
        return latents_per_pixel * arm + upsampling + synthesis
