"""Training objective of the VQ autoencoder: reconstruction, codebook, GAN and index priors.

Each step makes three updates:

* the autoencoder: L1 + ``ms_ssim_weight`` x (1 - MS-SSIM) + the codebook/commitment
  loss, plus, after ``adversarial_start`` steps, ``adversarial_weight`` x the hinge
  generator loss of a patch discriminator (VQGAN's recipe; no pretrained perceptual
  network exists here, so there is no LPIPS term);
* the discriminator (hinge loss on real crops and detached reconstructions);
* the index priors, one per quality level, by minimising the code length of the batch's
  (detached) indices at that level.

The sub-codebooks are re-derived by k-means of the full codebook at start and at every
validation, so the smaller levels' priors follow the codebook as it trains.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from pytorch_msssim import ms_ssim, ssim
from torch import nn

from nvc.vq.vector_quantizer import utilization
from training.config import TrainConfig
from training.objectives import learning_rate_at

MS_SSIM_SCALES = (0.0448, 0.2856, 0.3001, 0.3633)  # the first four of MS-SSIM's weights
MS_SSIM_WINDOW = 7
MS_SSIM_MIN_SIDE = (MS_SSIM_WINDOW - 1) * 2**4 + 1  # pytorch-msssim's own limit


def ms_ssim_of(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean four-scale MS-SSIM of [0, 1] images (single-scale SSIM below ``MS_SSIM_MIN_SIDE``,
    as in smoke tests on tiny crops)."""
    if min(x.shape[2:]) < MS_SSIM_MIN_SIDE:
        return ssim(x_hat.clamp(0, 1), x, data_range=1.0, win_size=MS_SSIM_WINDOW)
    weights = torch.tensor(MS_SSIM_SCALES, device=x.device) / sum(MS_SSIM_SCALES)
    return ms_ssim(x_hat.clamp(0, 1), x, data_range=1.0, win_size=MS_SSIM_WINDOW, weights=weights)


class PatchDiscriminator(nn.Module):
    """A PatchGAN critic (Isola et al.): a map of real/fake scores over image patches."""

    def __init__(self, channels: int = 64):
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(3, channels, 4, 2, 1), nn.LeakyReLU(0.2)]
        width = channels
        for stride in (2, 2, 1):
            layers += [nn.Conv2d(width, width * 2, 4, stride, 1), nn.GroupNorm(8, width * 2), nn.LeakyReLU(0.2)]
            width *= 2
        layers.append(nn.Conv2d(width, 1, 4, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scores of images in [0, 1]."""
        return self.net(x * 2 - 1)


class VQGAN:
    """Objective of ``nvc.vq.model.VQAutoencoder``."""

    def __init__(self, model: nn.Module, config: TrainConfig):
        self.model, self.config = model, config
        device = next(model.parameters()).device
        self.discriminator = PatchDiscriminator().to(device)
        self.modules = {"discriminator": self.discriminator}
        autoencoder = [p for n, p in model.named_parameters() if not n.startswith("priors.")]
        self.optimizers = {
            "optimizer": torch.optim.Adam(autoencoder, lr=config.learning_rate, betas=(0.5, 0.9)),
            "discriminator_optimizer": torch.optim.Adam(
                self.discriminator.parameters(), lr=config.discriminator_learning_rate, betas=(0.5, 0.9)),
            "prior_optimizer": torch.optim.Adam(model.priors.parameters(), lr=config.prior_learning_rate),
        }
        self.unsynchronised: list[str] = []
        model.derive_sub_codebooks()

    def step(self, network: nn.Module, x: torch.Tensor, generator: torch.Generator, step: int) -> dict:
        """Autoencoder, discriminator and prior updates on one batch."""
        config = self.config
        optimizer = self.optimizers["optimizer"]
        for group in optimizer.param_groups:
            group["lr"] = learning_rate_at(config, step)
        adversarial = step >= config.adversarial_start
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=config.bf16):
            out = network(x)
        x_hat = out["x_hat"].float()
        l1 = (x_hat - x).abs().mean()
        similarity = ms_ssim_of(x_hat, x)
        loss = l1 + config.ms_ssim_weight * (1 - similarity) + out["commitment"].float()
        generator_loss = -self.discriminator(x_hat).mean() if adversarial else x_hat.new_zeros(())
        loss = loss + config.adversarial_weight * generator_loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.gradient_clip)
        optimizer.step()

        discriminator_loss = x.new_zeros(())
        if adversarial:
            real, fake = self.discriminator(x), self.discriminator(x_hat.detach())
            discriminator_loss = F.relu(1 - real).mean() + F.relu(1 + fake).mean()
            self.optimizers["discriminator_optimizer"].zero_grad(set_to_none=True)
            discriminator_loss.backward()
            self.optimizers["discriminator_optimizer"].step()

        bits = self.prior_step(out["latent"].detach().float())
        return {"loss": loss.item(), "l1": l1.item(), "mse": (x_hat - x).pow(2).mean().item(),
                "ms_ssim": similarity.item(), "commitment": out["commitment"].item(),
                "generator": generator_loss.item(), "discriminator": discriminator_loss.item(),
                "bits_per_index": bits, "utilization": utilization(out["indices"], self.model.config.codebook_size)}

    def prior_step(self, latent: torch.Tensor) -> float:
        """Fit every level's prior to the batch's indices; the top level's bits per index."""
        with torch.no_grad():
            indices = [self.model.latent_indices(latent, level) for level in range(self.model.config.quality_levels)]
        total = sum(prior.bits(level_indices) for prior, level_indices in zip(self.model.priors, indices))
        count = indices[0].numel()
        optimizer = self.optimizers["prior_optimizer"]
        optimizer.zero_grad(set_to_none=True)
        (total / count).backward()
        optimizer.step()
        return self.model.priors[-1].bits(indices[-1]).item() / count

    @torch.no_grad()
    def validate(self, x: torch.Tensor) -> list[dict]:
        """Per quality level: PSNR, MS-SSIM, bits per index and estimated bpp of the held-out
        crops, and the level's codebook utilization on them."""
        self.model.derive_sub_codebooks()
        latent = self.model.encoder(x)
        rows = []
        for level, size in enumerate(self.model.config.codebook_sizes):
            indices = self.model.latent_indices(latent, level)
            x_hat = self.model.decode(indices, level).clamp(0, 1)
            mse = (x_hat - x).pow(2).flatten(1).mean(1)
            bits = self.model.priors[level].bits(indices).item()
            rows.append({
                "quality": level + 1, "codebook": size,
                "psnr": (-10 * torch.log10(mse.clamp_min(1e-10))).mean().item(),
                "ms_ssim": ms_ssim_of(x_hat, x).item(),
                "bits_per_index": bits / indices.numel(), "bpp": bits / (x.shape[0] * x.shape[2] * x.shape[3]),
                "utilization": utilization(indices, size),
            })
        return rows
