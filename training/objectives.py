"""What a training step optimises, per architecture family, and how it is validated.

An objective owns its optimizers (saved in checkpoints by name), the names of parameters
that DDP must not all-reduce, one step on a batch, and validation. ``RateDistortion``
serves the hyperprior family (``lambda * 255^2 * MSE + bpp`` at a random quality level
per sample, plus the entropy bottleneck's auxiliary loss); ``training.vqgan.VQGAN``
serves the VQ autoencoder.
"""

from __future__ import annotations

import math
from typing import Protocol

import torch

from nvc.optimizers import make_optimizer
from training.config import TrainConfig
from training.data import ImageBank

VALIDATION_CROP = 256  # side of the centred validation crops (smaller images: their size)


def learning_rate_at(config: TrainConfig, step: int) -> float:
    """Cosine decay from the base rate to ``final_learning_rate_fraction`` of it."""
    progress = min(step / max(config.total_steps, 1), 1.0)
    floor = config.final_learning_rate_fraction
    return config.learning_rate * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def validation_crops(model: torch.nn.Module, config: TrainConfig, bank: ImageBank) -> torch.Tensor:
    """One centred crop per held-out image, as large as fits, in multiples of the model's stride."""
    stride = model.downsampling
    side = min(VALIDATION_CROP, config.crop * 2, bank.smallest_side()) // stride * stride
    return bank.center_crops(side)


class Objective(Protocol):
    """The interface the training loop uses."""

    optimizers: dict[str, torch.optim.Optimizer]
    modules: dict[str, torch.nn.Module]  # trained alongside the model, not shipped (a discriminator)
    unsynchronised: list[str]

    def step(self, network: torch.nn.Module, x: torch.Tensor, generator: torch.Generator, step: int) -> dict:
        """One optimisation step on the batch ``x``; scalars to log."""

    def validate(self, x: torch.Tensor) -> list[dict]:
        """Rows of validation metrics on held-out crops ``x``."""


def rate_distortion(model: torch.nn.Module, x: torch.Tensor, quality: torch.Tensor) -> tuple:
    """Per-sample (bpp, mse on the 0..1 scale)."""
    out = model(x, quality)
    pixels = x.shape[2] * x.shape[3]
    bits = sum(l.clamp_min(1e-9).log2().neg().flatten(1).sum(1) for l in out["likelihoods"].values())
    mse = (out["x_hat"].float() - x).pow(2).flatten(1).mean(1)
    return bits / pixels, mse


class RateDistortion:
    """Variable-rate training of the hyperprior family."""

    def __init__(self, model: torch.nn.Module, config: TrainConfig):
        self.model, self.config = model, config
        self.unsynchronised = [n for n, _ in model.named_parameters() if n.endswith("quantiles")]
        auxiliary = [p for n, p in model.named_parameters() if n in self.unsynchronised]
        main = [p for n, p in model.named_parameters() if n not in self.unsynchronised]
        # (names kept from the first checkpoints, which must still resume)
        self.optimizers = {
            "optimizer": make_optimizer(config.optimizer, main, config.learning_rate),
            "auxiliary_optimizer": torch.optim.Adam(auxiliary, lr=config.auxiliary_learning_rate),
        }
        self.modules: dict[str, torch.nn.Module] = {}

    def step(self, network: torch.nn.Module, x: torch.Tensor, generator: torch.Generator, step: int) -> dict:
        """One step at a random quality level per sample."""
        config = self.config
        optimizer, auxiliary_optimizer = self.optimizers["optimizer"], self.optimizers["auxiliary_optimizer"]
        quality = torch.randint(config.model.quality_levels, (x.shape[0],), generator=generator).to(x.device)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate_at(config, step)
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=config.bf16):
            bpp, mse = rate_distortion(network, x, quality)
        loss = (self.model.lambdas[quality] * 255.0**2 * mse + bpp).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.gradient_clip)
        if torch.isfinite(norm):  # a rare non-finite batch is skipped rather than poisoning Adam
            optimizer.step()
        auxiliary = self.model.auxiliary_loss()
        auxiliary_optimizer.zero_grad(set_to_none=True)
        auxiliary.backward()
        auxiliary_optimizer.step()
        return {"loss": loss.item(), "bpp": bpp.mean().item(), "mse": mse.mean().item(),
                "auxiliary": auxiliary.item()}

    @torch.no_grad()
    def validate(self, x: torch.Tensor) -> list[dict]:
        """Estimated bpp and PSNR (rounded latents) per quality level."""
        rows = []
        for level in range(self.config.model.quality_levels):
            quality = torch.full((x.shape[0],), level, device=x.device)
            bpp, mse = rate_distortion(self.model, x, quality)
            psnr = (-10 * torch.log10(mse.clamp_min(1e-10))).mean().item()
            rows.append({"quality": level + 1, "bpp": bpp.mean().item(), "psnr": psnr})
        return rows


def make_objective(model: torch.nn.Module, config: TrainConfig) -> Objective:
    """The objective of the configured architecture."""
    if config.architecture == "vq":
        from training.vqgan import VQGAN

        return VQGAN(model, config)
    return RateDistortion(model, config)
