"""Variable-rate mean-scale hyperprior transform (Minnen et al. 2018, without context).

One set of weights covers every quality level through learned gain vectors on the
latents (Cui et al., "Asymmetric Gained Deep Image Compression", 2021)::

    x --g_a--> y --*gain[q]--> y_q --h_a--> z --Q--> z_hat --h_s--> (scales, means)
                                |                                      |
                                +--Q(y_q - means) + means = y_hat <----+
    x_hat <--g_s-- y_hat * inverse_gain[q]

``forward`` is the training path (additive noise for the likelihoods, straight-through
rounding for what the synthesis sees). Coding goes through ``nvc.codec``, which calls
``analyse``, ``hyper_synthesis`` and ``synthesise`` so that the encoder and decoder run
exactly the same hyper-synthesis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from nvc.compressai_compat import GDN, EntropyBottleneck, GaussianConditional, quantize_ste


@dataclass(frozen=True)
class HyperpriorConfig:
    """Shape of a gained mean-scale hyperprior."""

    channels: int = 128  # N: hidden channels of all transforms and of z
    latent_channels: int = 192  # M: channels of y
    quality_levels: int = 8
    lowest_lambda: float = 0.0018  # rate-distortion weight of quality 1 (MSE on 0..255 scale)
    highest_lambda: float = 0.0932  # rate-distortion weight of the top quality

    def lambdas(self) -> torch.Tensor:
        """Log-spaced rate-distortion weights, one per quality level."""
        return torch.logspace(
            torch.log10(torch.tensor(self.lowest_lambda)),
            torch.log10(torch.tensor(self.highest_lambda)),
            self.quality_levels,
        )

    def to_dict(self) -> dict:
        """Plain dict, for manifests and checkpoints."""
        return asdict(self)


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
        n, m, levels = config.channels, config.latent_channels, config.quality_levels
        self.g_a = nn.Sequential(
            _conv(3, n), GDN(n), _conv(n, n), GDN(n), _conv(n, n), GDN(n), _conv(n, m)
        )
        self.g_s = nn.Sequential(
            _deconv(m, n), GDN(n, inverse=True), _deconv(n, n), GDN(n, inverse=True),
            _deconv(n, n), GDN(n, inverse=True), _deconv(n, 3),
        )
        self.h_a = nn.Sequential(
            _conv(m, n, 3, 1), nn.LeakyReLU(inplace=True), _conv(n, n), nn.LeakyReLU(inplace=True),
            _conv(n, n),
        )
        self.h_s = nn.Sequential(
            _deconv(n, m), nn.LeakyReLU(inplace=True), _deconv(m, m * 3 // 2),
            nn.LeakyReLU(inplace=True), _conv(m * 3 // 2, m * 2, 3, 1),
        )
        # Initial gains follow step size ~ lambda^-1/2, centred on the middle level.
        lambdas = config.lambdas()
        initial = (lambdas / lambdas.log().mean().exp()).sqrt().log()
        self.log_gain = nn.Parameter(initial[:, None].repeat(1, m))
        self.log_inverse_gain = nn.Parameter(-initial[:, None].repeat(1, m))
        self.entropy_bottleneck = EntropyBottleneck(n)
        self.gaussian_conditional = GaussianConditional(None)
        self.register_buffer("lambdas", lambdas, persistent=False)

    def _gain(self, table: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
        return table.exp()[quality][:, :, None, None]

    def analyse(self, x: torch.Tensor, quality: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Image in [0, 1] to the gained latent y_q and the hyper-latent z."""
        y = self.g_a(x) * self._gain(self.log_gain, quality)
        return y, self.h_a(y)

    def hyper_synthesis(self, z_hat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Quantized hyper-latent to the (scales, means) of y_q's Gaussian."""
        scales, means = self.h_s(z_hat).chunk(2, dim=1)
        return scales, means

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
        scales, means = self.hyper_synthesis(z_hat)
        with torch.autocast(x.device.type, enabled=False):
            scales, means = scales.float(), means.float()
            _, y_likelihoods = self.gaussian_conditional(y, scales, means=means)
            y_hat = quantize_ste(y - means) + means
        return {
            "x_hat": self.synthesise(y_hat, quality),
            "likelihoods": {"y": y_likelihoods, "z": z_likelihoods},
        }

    def auxiliary_loss(self) -> torch.Tensor:
        """Loss that fits the entropy bottleneck's quantiles (its own optimizer)."""
        return self.entropy_bottleneck.loss()
