"""Variable-rate mean-scale hyperprior transform (Minnen et al. 2018, without context).

One set of weights covers every quality level through learned gain vectors on the
latents (Cui et al., "Asymmetric Gained Deep Image Compression", 2021)::

    x --g_a--> y --*gain[q]--> y_q --h_a--> z --Q--> z_hat --h_s--> (scales, means)
                                |                                      |
                                +--Q(y_q - means) + means = y_hat <----+
    x_hat <--g_s-- y_hat * inverse_gain[q]

``forward`` is the training path (additive noise for the likelihoods, straight-through
rounding for what the synthesis sees). Coding goes through ``nvc.image.codec``, which calls
``analyse``, ``hyper_features``, ``coding_groups``, ``group_parameters`` and ``synthesise``,
so that the encoder and decoder compute exactly the same entropy parameters.

y is coded in groups (``LatentGroup``): here one group, all of y at once, with the
hyperprior's means and scales. Context models (``nvc.image.checkerboard``) split y into
several groups whose parameters depend on the groups decoded before them, and override
``coding_groups``, ``group_parameters`` and ``latent_training``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from nvc.anchors import checkerboard
from nvc.compressai_compat import GDN, EntropyBottleneck, GaussianConditional, quantize_ste
from nvc.image.config import HyperpriorConfig


Rounding = Callable[[torch.Tensor], torch.Tensor]  # a differentiable proxy of round (``nvc.image.refine``)


@dataclass(frozen=True)
class LatentGroup:
    """Part of y whose symbols are coded together: channels [start, stop) at the positions
    of ``phase``: "all", or the "anchor" / "non-anchor" half of a checkerboard."""

    start: int
    stop: int
    phase: str = "all"


def group_positions(group: LatentGroup, height: int, width: int) -> torch.Tensor:
    """(height, width) bool map of the positions a group covers."""
    if group.phase == "all":
        return torch.ones(height, width, dtype=torch.bool)
    anchors = checkerboard(height, width)
    return anchors if group.phase == "anchor" else ~anchors


def quality_lambdas(config: HyperpriorConfig) -> torch.Tensor:
    """Rate-distortion weights, one per quality level: the config's own, or log-spaced over
    its range."""
    if config.lambdas:
        return torch.tensor(config.lambdas)
    return torch.logspace(
        torch.log10(torch.tensor(config.lowest_lambda)),
        torch.log10(torch.tensor(config.highest_lambda)),
        config.quality_levels,
    )


def _conv(cin: int, cout: int, kernel: int = 5, stride: int = 2) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2)


def _deconv(cin: int, cout: int, kernel: int = 5, stride: int = 2) -> nn.ConvTranspose2d:
    return nn.ConvTranspose2d(
        cin, cout, kernel, stride=stride, padding=kernel // 2, output_padding=stride - 1
    )


class GainedHyperprior(nn.Module):
    """Mean-scale hyperprior whose rate is set by a quality index (0-based)."""

    downsampling = 64  # total stride of g_a followed by h_a: inputs are padded to this

    def __init__(self, config: HyperpriorConfig = HyperpriorConfig()):
        super().__init__()
        self.config = config
        n, m = config.channels, config.latent_channels
        self.g_a, self.g_s = self.analysis_transform(), self.synthesis_transform()
        self.h_a = nn.Sequential(
            _conv(m, n, 3, 1), nn.LeakyReLU(inplace=True), _conv(n, n), nn.LeakyReLU(inplace=True),
            _conv(n, n),
        )
        self.h_s = nn.Sequential(
            _deconv(n, m), nn.LeakyReLU(inplace=True), _deconv(m, m * 3 // 2),
            nn.LeakyReLU(inplace=True), _conv(m * 3 // 2, m * 2, 3, 1),
        )
        # Initial gains follow step size ~ lambda^-1/2, centred on the middle level.
        lambdas = quality_lambdas(config)
        initial = (lambdas / lambdas.log().mean().exp()).sqrt().log()
        self.log_gain = nn.Parameter(initial[:, None].repeat(1, m))
        self.log_inverse_gain = nn.Parameter(-initial[:, None].repeat(1, m))
        self.entropy_bottleneck = EntropyBottleneck(n)
        self.gaussian_conditional = GaussianConditional(None)
        self.register_buffer("lambdas", lambdas, persistent=False)

    def analysis_transform(self) -> nn.Module:
        """g_a: image to y (GDN, four stride-2 convolutions)."""
        n, m = self.config.channels, self.config.latent_channels
        return nn.Sequential(_conv(3, n), GDN(n), _conv(n, n), GDN(n), _conv(n, n), GDN(n), _conv(n, m))

    def synthesis_transform(self) -> nn.Module:
        """g_s: y back to an image (inverse GDN, four stride-2 transposed convolutions)."""
        n, m = self.config.channels, self.config.latent_channels
        return nn.Sequential(
            _deconv(m, n), GDN(n, inverse=True), _deconv(n, n), GDN(n, inverse=True),
            _deconv(n, n), GDN(n, inverse=True), _deconv(n, 3),
        )

    def _gain(self, table: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
        return table.exp()[quality][:, :, None, None]

    def analyse(self, x: torch.Tensor, quality: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Image in [0, 1] to the gained latent y_q and the hyper-latent z."""
        y = self.g_a(x) * self._gain(self.log_gain, quality)
        return y, self.h_a(y)

    def hyper_features(self, z_hat: torch.Tensor) -> torch.Tensor:
        """Quantized hyper-latent to the hyper-synthesis output (here: y's scales and means)."""
        return self.h_s(z_hat)

    def coding_groups(self, height: int, width: int) -> list[LatentGroup]:
        """The groups y is coded in, in coding order: all of y at once."""
        return [LatentGroup(0, self.config.latent_channels)]

    def group_parameters(self, hyper: torch.Tensor, y_hat: torch.Tensor, group: LatentGroup) -> tuple:
        """(scales, means) of a group's channels at every position, given the hyper features
        and the groups decoded so far (``y_hat``, zero where not decoded yet)."""
        scales, means = hyper.chunk(2, dim=1)
        return scales[:, group.start : group.stop], means[:, group.start : group.stop]

    def latent_training(self, y: torch.Tensor, hyper: torch.Tensor,
                        rounding: Rounding | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Differentiable path of y (fp32): y_hat and its likelihoods. Training (no ``rounding``):
        straight-through y_hat and the likelihoods of y plus uniform noise; refinement of one
        image's latents: y_hat = rounding(y - means) + means and the likelihoods of y_hat."""
        scales, means = hyper.chunk(2, dim=1)
        y_hat = (rounding or quantize_ste)(y - means) + means
        return y_hat, self.latent_likelihoods(y, y_hat, scales, means, rounding is None)

    def latent_likelihoods(self, y: torch.Tensor, y_hat: torch.Tensor, scales: torch.Tensor,
                           means: torch.Tensor, noisy: bool) -> torch.Tensor:
        """The Gaussian likelihoods of y plus uniform noise (``noisy``, training) or of y_hat."""
        conditional = self.gaussian_conditional
        if noisy:
            return conditional(y, scales, means=means)[1]
        return conditional.likelihood_lower_bound(conditional._likelihood(y_hat, scales, means))

    def synthesise(self, y_hat: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
        """Quantized gained latent back to an image (unclamped)."""
        return self.g_s(y_hat * self._gain(self.log_inverse_gain, quality))

    def forward(self, x: torch.Tensor, quality: torch.Tensor) -> dict:
        """Training path: reconstruction and the likelihoods of y and z."""
        y, z = self.analyse(x, quality)
        # Under mixed precision the transforms may run in bf16; the entropy models never do.
        with torch.autocast(x.device.type, enabled=False):
            y, z = y.float(), z.float()
            _, z_likelihoods = self.entropy_bottleneck(z)
            z_offset = self.entropy_bottleneck._get_medians()
            z_hat = quantize_ste(z - z_offset) + z_offset
        hyper = self.hyper_features(z_hat)
        with torch.autocast(x.device.type, enabled=False):
            y_hat, y_likelihoods = self.latent_training(y, hyper.float())
        return {
            "x_hat": self.synthesise(y_hat, quality),
            "likelihoods": {"y": y_likelihoods, "z": z_likelihoods},
        }

    def auxiliary_loss(self) -> torch.Tensor:
        """Loss that fits the entropy bottleneck's quantiles (its own optimizer)."""
        return self.entropy_bottleneck.loss()
