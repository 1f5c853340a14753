"""The one path from model outputs to what the entropy coder sees.

Everything here runs on a single CPU thread in float32, so that the encoder and the
decoder compute bit-identical values on the same machine whatever torch's thread
setting: the decoder's scale indices must equal the encoder's or decoding derails.
Making these integers identical across machines (integer hyper-synthesis) is future work
and would be confined to this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from entropy import scale_indices
from nvc.image.hyperprior import GainedHyperprior, LatentGroup, group_positions
from nvc.threads import single_thread


@dataclass(frozen=True)
class HyperLatentTable:
    """Per-channel probability tables of the factorized hyper-latent z.

    Symbol ``s`` of channel ``c`` stands for ``z_hat = medians[c] + s - offsets[c]``.
    """

    pmfs: np.ndarray  # (channels, support) float64, zero past each channel's last symbol
    offsets: np.ndarray  # (channels,) int: the table index of z_hat == median
    medians: torch.Tensor  # (channels,) float32
    last_symbols: np.ndarray  # (channels,) int: the largest valid symbol of each channel


@torch.no_grad()
def hyper_latent_table(model: GainedHyperprior) -> HyperLatentTable:
    """Tabulate the entropy bottleneck's density at the integers of each channel's support."""
    bottleneck = model.entropy_bottleneck
    with single_thread():
        medians = bottleneck.quantiles[:, 0, 1].detach().float()
        below = torch.ceil(medians - bottleneck.quantiles[:, 0, 0]).clamp_min(0).long()
        above = torch.ceil(bottleneck.quantiles[:, 0, 2] - medians).clamp_min(0).long()
        support = int((below + above).max()) + 1
        samples = torch.arange(support, dtype=torch.float32)[None, :] + (medians - below)[:, None]
        likelihood = bottleneck._likelihood(samples[:, None, :])[0][:, 0, :].double()
        valid = torch.arange(support)[None, :] <= (below + above)[:, None]
        pmfs = torch.where(valid, likelihood.clamp_min(1e-12), torch.zeros_like(likelihood))
    return HyperLatentTable(pmfs.numpy(), below.numpy(), medians, (below + above).numpy())


def hyper_latent_symbols(z: torch.Tensor, table: HyperLatentTable) -> np.ndarray:
    """Quantize z (1, C, h, w) to table symbols (C, h*w), clipped to each channel's support."""
    relative = torch.round(z[0] - table.medians[:, None, None]).flatten(1).long().numpy()
    return np.clip(relative + table.offsets[:, None], 0, table.last_symbols[:, None])


def hyper_latent_values(symbols: np.ndarray, table: HyperLatentTable, shape: tuple) -> torch.Tensor:
    """Table symbols (C, h*w) back to z_hat (1, C, h, w)."""
    relative = torch.from_numpy((symbols - table.offsets[:, None]).astype(np.float32))
    return (relative + table.medians[:, None]).reshape(1, *shape)


@torch.no_grad()
def hyper_features(model: GainedHyperprior, z_hat: torch.Tensor) -> torch.Tensor:
    """The hyper-synthesis of the decoded z_hat, on one thread."""
    with single_thread():
        return model.hyper_features(z_hat.float()).float()


@dataclass(frozen=True)
class GroupParameters:
    """What the Gaussian coder needs for one group of y: where its symbols are, their
    scale-table indices and their means (both (channels, positions) in row-major order)."""

    positions: torch.Tensor  # (H, W) bool
    indices: np.ndarray  # int32
    means: torch.Tensor  # float32


@torch.no_grad()
def group_parameters(model: GainedHyperprior, hyper: torch.Tensor, y_hat: torch.Tensor,
                     group: LatentGroup) -> GroupParameters:
    """Scales and means of one group given the groups decoded so far, scales mapped to indices."""
    positions = group_positions(group, *y_hat.shape[2:])
    with single_thread():
        scales, means = model.group_parameters(hyper, y_hat, group)
        indices = scale_indices(scales[0][:, positions].float().numpy())
    return GroupParameters(positions, indices, means[0][:, positions].float())
