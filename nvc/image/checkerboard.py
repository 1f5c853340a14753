"""A gained hyperprior with a parallel context model: uneven channel slices, each coded
as a checkerboard in two passes (He et al., "ELIC", CVPR 2022; "Checkerboard Context
Model", CVPR 2021), with residual-bottleneck transforms::

    hyper features ---------------------------+
    y_hat of slices 0..k-1 --channel_context--+--parameter_nets[k]--> correction to the
    y_hat anchors of slice k --spatial_context-+   hyperprior's (scales, means) of slice k
                                                   (anchors: spatial input zero)

Slice k is coded as its anchors (row + column even) first, then the other half, whose
parameters see the decoded anchors through a 5x5 convolution. A convolution over a
tensor that is zero off the anchors needs no weight mask: at a non-anchor position it
only reaches anchors. Decoding is 2 x (number of slices) network passes, all at the
latent resolution, so it stays parallel.
"""

from __future__ import annotations

import torch
from torch import nn

from nvc.compressai_compat import quantize_ste
from nvc.anchors import checkerboard
from nvc.image.config import CheckerboardConfig
from nvc.image.hyperprior import GainedHyperprior, LatentGroup, Rounding, _conv, _deconv


class ResidualBottleneck(nn.Module):
    """x + 1x1 -> 3x3 -> 1x1 convolutions at half width (ELIC's residual bottleneck)."""

    def __init__(self, channels: int):
        super().__init__()
        half = channels // 2
        self.body = nn.Sequential(
            nn.Conv2d(channels, half, 1), nn.ReLU(inplace=True), nn.Conv2d(half, half, 3, padding=1),
            nn.ReLU(inplace=True), nn.Conv2d(half, channels, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output."""
        return x + self.body(x)


class CheckerboardHyperprior(GainedHyperprior):
    """Variable-rate hyperprior whose y is coded slice by slice, each as a checkerboard."""

    config: CheckerboardConfig

    def __init__(self, config: CheckerboardConfig = CheckerboardConfig()):
        super().__init__(config)
        m, width = config.latent_channels, config.context_channels
        self.slice_bounds = []
        start = 0
        for size in config.slices:
            self.slice_bounds.append((start, start + size))
            start += size
        self.channel_context = nn.ModuleList(
            nn.Sequential(_conv(begin, width, 3, 1), nn.ReLU(inplace=True), _conv(width, 2 * (end - begin), 3, 1))
            for begin, end in self.slice_bounds[1:]
        )
        self.spatial_context = nn.ModuleList(
            _conv(end - begin, 2 * (end - begin), 5, 1) for begin, end in self.slice_bounds
        )
        self.parameter_nets = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(2 * m + (4 if index else 2) * (end - begin), width, 1), nn.ReLU(inplace=True),
                nn.Conv2d(width, width, 1), nn.ReLU(inplace=True), nn.Conv2d(width, 2 * (end - begin), 1),
            )
            for index, (begin, end) in enumerate(self.slice_bounds)
        )
        for net in self.parameter_nets:  # start as the plain hyperprior (see _slice_parameters)
            nn.init.zeros_(net[-1].weight)
            nn.init.zeros_(net[-1].bias)

    def analysis_transform(self) -> nn.Module:
        """g_a: four stride-2 convolutions with a residual bottleneck after each of the first
        three (or the hyperprior's GDN transform)."""
        if self.config.transforms == "gdn":
            return super().analysis_transform()
        n, m = self.config.channels, self.config.latent_channels
        return nn.Sequential(
            _conv(3, n), ResidualBottleneck(n), _conv(n, n), ResidualBottleneck(n),
            _conv(n, n), ResidualBottleneck(n), _conv(n, m),
        )

    def synthesis_transform(self) -> nn.Module:
        """g_s: the mirror image of g_a with transposed convolutions."""
        if self.config.transforms == "gdn":
            return super().synthesis_transform()
        n, m = self.config.channels, self.config.latent_channels
        return nn.Sequential(
            _deconv(m, n), ResidualBottleneck(n), _deconv(n, n), ResidualBottleneck(n),
            _deconv(n, n), ResidualBottleneck(n), _deconv(n, 3),
        )

    # -- parameters of one slice -----------------------------------------------------------
    def _slice_index(self, group: LatentGroup) -> int:
        return self.slice_bounds.index((group.start, group.stop))

    def _slice_parameters(self, index: int, hyper: torch.Tensor, previous: torch.Tensor,
                    anchors: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """(scales, means) of slice ``index`` from the hyper features, the earlier slices'
        y_hat and (for the second pass) the slice's own decoded anchors.

        The network predicts a correction to the hyperprior's own scales and means for the
        slice; its last layer starts at zero, so a new model starts as a plain mean-scale
        hyperprior and one warm-started from a trained hyperprior codes exactly as it did.
        """
        begin, end = self.slice_bounds[index]
        hyper_scales, hyper_means = hyper.chunk(2, dim=1)
        inputs = [hyper]
        if index:
            inputs.append(self.channel_context[index - 1](previous))
        if anchors is None:
            height, width = hyper.shape[2:]
            inputs.append(hyper.new_zeros(hyper.shape[0], 2 * (end - begin), height, width))
        else:
            inputs.append(self.spatial_context[index](anchors))
        scales, means = self.parameter_nets[index](torch.cat(inputs, dim=1)).chunk(2, dim=1)
        return hyper_scales[:, begin:end] + scales, hyper_means[:, begin:end] + means

    # -- coding -------------------------------------------------------------------------------
    def coding_groups(self, height: int, width: int) -> list[LatentGroup]:
        """Slice by slice, anchors then non-anchors."""
        return [LatentGroup(begin, end, phase) for begin, end in self.slice_bounds
                for phase in ("anchor", "non-anchor")]

    def group_parameters(self, hyper: torch.Tensor, y_hat: torch.Tensor, group: LatentGroup) -> tuple:
        """Parameters of one pass over one slice, from what is decoded so far."""
        index = self._slice_index(group)
        previous = y_hat[:, : group.start]
        anchors = None
        if group.phase == "non-anchor":
            mask = checkerboard(*y_hat.shape[2:]).to(y_hat.dtype)
            anchors = y_hat[:, group.start : group.stop] * mask
        return self._slice_parameters(index, hyper, previous, anchors)

    # -- training --------------------------------------------------------------------------------
    def latent_training(self, y: torch.Tensor, hyper: torch.Tensor,
                        rounding: Rounding | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Both passes of every slice, as coding runs them (see ``GainedHyperprior.latent_training``):
        the anchors are rounded around the first pass's means, the rest around the second's."""
        round_ = rounding or quantize_ste
        mask = checkerboard(*y.shape[2:]).to(y.device)
        y_hats, likelihoods = [], []
        for index, (begin, end) in enumerate(self.slice_bounds):
            y_slice = y[:, begin:end]
            previous = torch.cat(y_hats, dim=1) if y_hats else y[:, :0]
            scales, means = self._slice_parameters(index, hyper, previous, None)
            anchors = round_(y_slice - means) + means
            second_scales, second_means = self._slice_parameters(index, hyper, previous, anchors * mask)
            scales = torch.where(mask, scales, second_scales)
            means = torch.where(mask, means, second_means)
            y_hat = torch.where(mask, anchors, round_(y_slice - means) + means)
            y_hats.append(y_hat)
            likelihoods.append(self.latent_likelihoods(y_slice, y_hat, scales, means, rounding is None))
        return torch.cat(y_hats, dim=1), torch.cat(likelihoods, dim=1)
