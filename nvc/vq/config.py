"""Shape of the VQ family's network: plain data, no torch (``build()`` imports the network)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nvc.vq.model import VQAutoencoder


@dataclass(frozen=True)
class VQConfig:
    """Shape of a VQ autoencoder and its index priors."""

    channels: int = 128
    code_dimension: int = 8  # low-dimensional codes, as in ViT-VQGAN's factorized lookup
    codebook_size: int = 4096
    stages: int = 4  # stride-2 stages: the index grid is 1/2^stages of the image
    sub_codebooks: tuple[int, ...] = (64, 256, 1024)  # qualities 1.., below the full codebook
    prior_channels: int = 128
    embedding_channels: int = 32  # per-index embedding the prior's context network reads

    @property
    def codebook_sizes(self) -> tuple[int, ...]:
        """Codebook size of each quality level, lowest first."""
        return (*self.sub_codebooks, self.codebook_size)

    @property
    def quality_levels(self) -> int:
        """Number of quality levels."""
        return len(self.codebook_sizes)

    def to_dict(self) -> dict:
        """Plain dict, for manifests and checkpoints."""
        return asdict(self)

    def build(self) -> VQAutoencoder:
        """A freshly initialised network of this shape."""
        from nvc.vq.model import VQAutoencoder

        return VQAutoencoder(self)
