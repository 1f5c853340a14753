"""VQGAN-style autoencoder for ultra-low rates: image -> grid of codebook indices -> image.

    x --encoder--> latent (d, H/16, W/16) --SimVQ--> indices --prior--> entropy coder
    x_hat <--decoder-- codes[indices]

Quality q picks the codebook: the full one (``codebook_size`` entries) at the top level,
k-means sub-codebooks of it below (``sub_codebooks``, derived once by
``derive_sub_codebooks`` and stored with the weights). The decoder is shared by all
levels. The index prior (``IndexPrior``) codes the grid as a checkerboard: anchors with a
learned marginal, the other half conditioned on the decoded anchors around them.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from nvc.anchors import checkerboard
from nvc.vq.config import VQConfig
from nvc.vq.vector_quantizer import SimVQ, kmeans, lookup, nearest

GROUPS = 8  # GroupNorm groups in the residual blocks


class ResidualBlock(nn.Module):
    """x + (GroupNorm, SiLU, 3x3 conv) twice: VQGAN's block."""

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.GroupNorm(GROUPS, channels), nn.SiLU(), nn.Conv2d(channels, channels, 3, padding=1),
            nn.GroupNorm(GROUPS, channels), nn.SiLU(), nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output."""
        return x + self.body(x)


class IndexPrior(nn.Module):
    """Probabilities of a codebook's indices on a checkerboard: anchors from a learned
    marginal, non-anchors from a convolution over the embedded anchors around them."""

    def __init__(self, alphabet: int, embedding: int, channels: int):
        super().__init__()
        self.anchor_logits = nn.Parameter(torch.zeros(alphabet))
        self.embed = nn.Embedding(alphabet, embedding)
        self.context = nn.Sequential(
            nn.Conv2d(embedding, channels, 5, padding=2), nn.SiLU(),
            nn.Conv2d(channels, channels, 1), nn.SiLU(), nn.Conv2d(channels, alphabet, 1),
        )

    def anchor_log_probabilities(self, count: int) -> torch.Tensor:
        """(count, alphabet) log-probabilities of the anchors (all alike)."""
        return F.log_softmax(self.anchor_logits, dim=0).expand(count, -1)

    def non_anchor_log_probabilities(self, indices: torch.Tensor) -> torch.Tensor:
        """(B, alphabet, H, W) log-probabilities at every position given the anchors of
        ``indices`` (B, H, W); only the non-anchor positions are meant to be used."""
        anchors = checkerboard(*indices.shape[1:]).to(indices.device)
        embedded = self.embed(indices).permute(0, 3, 1, 2) * anchors
        return F.log_softmax(self.context(embedded), dim=1)

    def bits(self, indices: torch.Tensor) -> torch.Tensor:
        """Total ideal code length in bits of (B, H, W) indices under this prior."""
        anchors = checkerboard(*indices.shape[1:]).to(indices.device)
        anchor_bits = -self.anchor_logits.log_softmax(0)[indices[:, anchors]].sum()
        log_probabilities = self.non_anchor_log_probabilities(indices)
        picked = log_probabilities.gather(1, indices[:, None])[:, 0]
        return (anchor_bits - picked[:, ~anchors].sum()) / np.log(2.0)


class VQAutoencoder(nn.Module):
    """Encoder, SimVQ codebook (+ k-means sub-codebooks), decoder and one prior per level."""

    def __init__(self, config: VQConfig = VQConfig()):
        super().__init__()
        self.config = config
        c, d = config.channels, config.code_dimension
        down: list[nn.Module] = [nn.Conv2d(3, c, 3, padding=1)]
        up: list[nn.Module] = [nn.Conv2d(d, c, 3, padding=1), ResidualBlock(c)]
        for _ in range(config.stages):
            down += [ResidualBlock(c), nn.Conv2d(c, c, 4, stride=2, padding=1)]
            up += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c, c, 3, padding=1), ResidualBlock(c)]
        self.encoder = nn.Sequential(*down, ResidualBlock(c), nn.GroupNorm(GROUPS, c), nn.SiLU(), nn.Conv2d(c, d, 1))
        self.decoder = nn.Sequential(*up, nn.GroupNorm(GROUPS, c), nn.SiLU(), nn.Conv2d(c, 3, 3, padding=1))
        self.quantizer = SimVQ(config.codebook_size, d)
        for size in config.sub_codebooks:
            self.register_buffer(f"sub_codebook_{size}", torch.zeros(size, d))
        self.priors = nn.ModuleList(
            IndexPrior(size, config.embedding_channels, config.prior_channels) for size in config.codebook_sizes
        )

    @property
    def downsampling(self) -> int:
        """Image sides are padded to multiples of this."""
        return 2**self.config.stages

    def codebook(self, level: int) -> torch.Tensor:
        """(K, d) codes of a 0-based quality level."""
        sizes = self.config.codebook_sizes
        if level == len(sizes) - 1:
            return self.quantizer.codebook
        return getattr(self, f"sub_codebook_{sizes[level]}")

    @torch.no_grad()
    def derive_sub_codebooks(self, seed: int = 0) -> None:
        """Fill the sub-codebooks by k-means of the full codebook (float64, fixed seed)."""
        full = self.quantizer.codebook.detach().cpu().double().numpy()
        for size in self.config.sub_codebooks:
            centroids, _ = kmeans(full, size, seed)
            getattr(self, f"sub_codebook_{size}").copy_(torch.from_numpy(centroids).float())

    def indices(self, x: torch.Tensor, level: int) -> torch.Tensor:
        """(B, H/16, W/16) indices of an image in [0, 1] at a 0-based quality level."""
        return self.latent_indices(self.encoder(x), level)

    def latent_indices(self, latent: torch.Tensor, level: int) -> torch.Tensor:
        """Indices of an encoder output at a 0-based quality level."""
        vectors = latent.permute(0, 2, 3, 1).reshape(-1, latent.shape[1])
        chosen = nearest(vectors, self.codebook(level))
        return chosen.reshape(latent.shape[0], *latent.shape[2:])

    def decode(self, indices: torch.Tensor, level: int) -> torch.Tensor:
        """Indices back to an image (unclamped)."""
        return self.decoder(lookup(self.codebook(level), indices))

    def forward(self, x: torch.Tensor) -> dict:
        """Training path of the transforms (full codebook): reconstruction, indices and the
        codebook/commitment loss."""
        latent = self.encoder(x)
        quantized = self.quantizer(latent)
        return {"x_hat": self.decoder(quantized.values), "indices": quantized.indices,
                "commitment": quantized.commitment, "latent": latent}
