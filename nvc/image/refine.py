"""Encoder-side refinement of a hyperprior-family model's latents for one image.

The analysis transform is amortised: one network guesses y and z for every image, and an
under-trained one leaves rate-distortion on the table (the amortisation gap). Refinement
starts from its guess and runs a few dozen Adam steps on y and z themselves, minimising
``bits / pixels + lambda * 255^2 * MSE`` through the frozen hyper-synthesis, context model
and synthesis. Rounding is relaxed by stochastic Gumbel annealing (SGA; Yang, Bamler and
Mandt, "Improving Inference for Neural Image Compression", NeurIPS 2020): each value is
rounded down or up at random, by a Gumbel-softmax whose temperature falls over the steps,
so that the last steps see nearly hard rounding. The decoder and the stream are
unchanged: the refined y and z are coded exactly as the analysis transform's would be.

The result is the refined latents only if their hard-rounded loss is lower than that of
the starting guess, so refinement never makes an image's estimated loss worse.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import partial

import torch

from nvc.image.hyperprior import GainedHyperprior, Rounding

EDGE = 1e-6  # keeps atanh finite at the ends of [0, 1]
SEED = 0  # of SGA's random rounding: the same image and settings give the same stream


@dataclass(frozen=True)
class Refinement:
    """How long and how fast to refine: Adam steps, its learning rate, and the SGA
    temperature, falling geometrically from ``start_temperature`` to ``end_temperature``."""

    steps: int
    learning_rate: float = 0.015
    start_temperature: float = 1.0
    end_temperature: float = 0.2

    def temperature(self, step: int) -> float:
        """The SGA temperature at ``step`` (0-based)."""
        progress = step / max(self.steps - 1, 1)
        return self.start_temperature * (self.end_temperature / self.start_temperature) ** progress


def refinement(steps: int) -> Refinement:
    """The efforts' refinement schedule, run for ``steps`` steps (0: the analysis alone)."""
    return Refinement(steps)


EFFORTS = {"fast": refinement(0), "normal": refinement(25), "slow": refinement(100)}
DEFAULT_EFFORT = "fast"


def sga_round(x: torch.Tensor, temperature: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """A random soft choice between floor(x) and ceil(x): the nearer one is likelier, and as
    the temperature falls the choice becomes hard and the nearer one certain (SGA); the
    randomness from ``generator`` (default: torch's global one)."""
    floor = torch.floor(x)
    up = x - floor
    logits = torch.stack([-torch.atanh(up.clamp(max=1 - EDGE)), -torch.atanh((1 - up).clamp(max=1 - EDGE))], dim=-1)
    uniform = torch.rand(logits.shape, generator=generator, dtype=logits.dtype).clamp(EDGE, 1 - EDGE)
    gumbel = -torch.log(-torch.log(uniform))
    weights = torch.softmax((logits / temperature + gumbel) / temperature, dim=-1)
    return floor + weights[..., 1]


def hard_round(x: torch.Tensor) -> torch.Tensor:
    """round(x): what coding does."""
    return torch.round(x)


def rate_and_distortion(network: GainedHyperprior, target: torch.Tensor, y: torch.Tensor, z: torch.Tensor,
                        quality: torch.Tensor, rounding: Rounding) -> tuple[torch.Tensor, torch.Tensor]:
    """(bits per pixel, MSE on the 0..1 scale) of latents y and z (rounded by ``rounding``):
    the entropy model's bits, and the MSE over the (1, 3, H, W) image ``target`` (the
    top-left of the synthesis)."""
    bottleneck = network.entropy_bottleneck
    medians = bottleneck._get_medians().reshape(1, -1, 1, 1)
    z_hat = rounding(z - medians) + medians
    z_likelihoods = bottleneck._likelihood(z_hat.permute(1, 0, 2, 3).reshape(z.shape[1], 1, -1))[0]
    z_likelihoods = bottleneck.likelihood_lower_bound(z_likelihoods)
    y_hat, y_likelihoods = network.latent_training(y, network.hyper_features(z_hat), rounding)
    x_hat = network.synthesise(y_hat, quality)
    bits = -(y_likelihoods.log2().sum() + z_likelihoods.log2().sum())
    height, width = target.shape[2:]
    mse = (x_hat[..., :height, :width] - target).pow(2).mean()
    return bits / (height * width), mse


def rate_distortion_loss(network: GainedHyperprior, target: torch.Tensor, y: torch.Tensor, z: torch.Tensor,
                         quality: torch.Tensor, rounding: Rounding) -> torch.Tensor:
    """``bits / pixels + lambda * 255^2 * MSE`` of latents y and z (``rate_and_distortion``)."""
    rate, mse = rate_and_distortion(network, target, y, z, quality, rounding)
    return rate + network.lambdas[quality[0]] * 255.0**2 * mse


def refine_latents(network: GainedHyperprior, x: torch.Tensor, size: tuple[int, int], quality: int,
                   refinement: Refinement) -> tuple[torch.Tensor, torch.Tensor]:
    """The refined (y, z) of the network input x (1, 3, H', W'; the image is its top-left
    ``size``, the rest padding) at a 1-based quality; the analysis's own (y, z) when refining
    does not lower the hard-rounded loss. The network is not changed, and the result depends
    on the inputs alone (SGA draws from its own seeded generator)."""
    level = torch.tensor([quality - 1])
    target = x[..., : size[0], : size[1]]
    with torch.no_grad():
        start_y, start_z = network.analyse(x, level)
    # A frozen copy in channels_last: its convolutions run about a fifth faster on CPU. The
    # coding itself (the caller's) stays on the shared network, as the decoder computes it.
    frozen = copy.deepcopy(network).requires_grad_(False).to(memory_format=torch.channels_last)
    y, z = (start.contiguous(memory_format=torch.channels_last).requires_grad_() for start in (start_y, start_z))
    optimizer = torch.optim.Adam([y, z], lr=refinement.learning_rate)
    generator = torch.Generator().manual_seed(SEED)
    for step in range(refinement.steps):
        rounding = partial(sga_round, temperature=refinement.temperature(step), generator=generator)
        loss = rate_distortion_loss(frozen, target, y, z, level, rounding)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        start_loss = rate_distortion_loss(frozen, target, start_y, start_z, level, hard_round)
        refined_loss = rate_distortion_loss(frozen, target, y, z, level, hard_round)
    if not math.isfinite(refined_loss.item()) or refined_loss >= start_loss:
        return start_y, start_z
    return y.detach().contiguous(), z.detach().contiguous()
