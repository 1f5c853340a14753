"""Shapes of the hyperprior family's networks: plain data, no torch, so that the model
registry can name them without loading a network (``build()`` imports it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nvc.image.checkerboard import CheckerboardHyperprior
    from nvc.image.hyperprior import GainedHyperprior


@dataclass(frozen=True)
class HyperpriorConfig:
    """Shape of a gained mean-scale hyperprior."""

    channels: int = 128  # N: hidden channels of all transforms and of z
    latent_channels: int = 192  # M: channels of y
    quality_levels: int = 8
    lowest_lambda: float = 0.0018  # rate-distortion weight of quality 1 (MSE on 0..255 scale)
    highest_lambda: float = 0.0932  # rate-distortion weight of the top quality
    # One weight per quality, ascending, in place of the log-spaced range above (chosen so that
    # the rates are evenly spaced in log-rate); empty: the range.
    lambdas: tuple[float, ...] = ()

    def __post_init__(self):
        lambdas = tuple(float(value) for value in self.lambdas)
        ascending = all(low < high for low, high in zip(lambdas, lambdas[1:]))
        if lambdas and (len(lambdas) != self.quality_levels or lambdas[0] <= 0 or not ascending):
            raise ValueError(f"lambdas {self.lambdas} are not {self.quality_levels} positive, strictly ascending weights")
        object.__setattr__(self, "lambdas", lambdas)  # a list from JSON or TOML, ints: stored as floats in a tuple

    def to_dict(self) -> dict:
        """Plain dict, for manifests and checkpoints."""
        return asdict(self)

    def build(self) -> GainedHyperprior:
        """A freshly initialised network of this shape."""
        from nvc.image.hyperprior import GainedHyperprior

        return GainedHyperprior(self)


@dataclass(frozen=True)
class CheckerboardConfig(HyperpriorConfig):
    """Shape of a checkerboard/channel-slice context model."""

    latent_channels: int = 320
    slices: tuple[int, ...] = (16, 16, 32, 64, 192)  # ELIC's uneven grouping; sums to latent_channels
    context_channels: int = 128  # width of the channel-context and parameter networks
    transforms: str = "residual"  # "residual" bottleneck blocks, or the hyperprior's "gdn" (to warm-start from it)

    def __post_init__(self):
        super().__post_init__()
        if sum(self.slices) != self.latent_channels:
            raise ValueError(f"slices {self.slices} do not add up to {self.latent_channels} channels")
        if self.transforms not in ("residual", "gdn"):
            raise ValueError(f"transforms must be 'residual' or 'gdn', not '{self.transforms}'")

    def build(self) -> CheckerboardHyperprior:
        """A freshly initialised network of this shape."""
        from nvc.image.checkerboard import CheckerboardHyperprior

        return CheckerboardHyperprior(self)
