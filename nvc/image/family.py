"""The hyperprior family's ``ModelFamily``: images to ZLAT/YLAT chunks and back."""

from __future__ import annotations

import numpy as np
import torch

from bitstream import Chunk, Container
from nvc.family import DecodedImage, EncodeOptions, ModelFamily
from nvc.image.chunks import CHUNK_TYPES, CONCEALABLE
from nvc.image.codec import latent_chunks, load_model, synthesise_latents
from nvc.image.hyperprior import GainedHyperprior
from nvc.image.refine import DEFAULT_EFFORT, EFFORTS
from nvc.tensors import pixels_to_tensor, tensor_to_pixels
from nvc.registry import ModelEntry


class HyperpriorFamily(ModelFamily):
    """Mean-scale hyperprior VAEs, with or without a context model (``nvc.image.codec``)."""

    chunk_types = CHUNK_TYPES
    concealable = CONCEALABLE
    efforts = tuple(EFFORTS)

    def load(self, entry: ModelEntry) -> None:
        """Load the network and its z coding tables (cached per model)."""
        load_model(entry.name)

    def encode(self, entry: ModelEntry, pixels: np.ndarray, quality: int, options: EncodeOptions) -> list[Chunk]:
        """The ZLAT and YLAT chunks of the pixels, padded to the model's stride, with the
        latents refined for the image at efforts above the default (``nvc.image.refine``)."""
        x = pixels_to_tensor(pixels, GainedHyperprior.downsampling)
        refinement = EFFORTS[options.effort or DEFAULT_EFFORT]
        return latent_chunks(load_model(entry.name), x, quality, refinement, pixels.shape[:2])

    def encoder_identity(self, entry: ModelEntry, effort: str | None = None, quality: int | None = None) -> str:
        """Empty at the default effort (the weights decide the stream); else the refinement."""
        refinement = EFFORTS[effort or DEFAULT_EFFORT]
        return f"latent refinement {refinement}" if refinement.steps else ""

    @torch.no_grad()
    def decode(self, entry: ModelEntry, container: Container, conceal: bool) -> DecodedImage:
        """The synthesis of the decoded latents, cropped to the header's size."""
        header = container.header
        x_hat = synthesise_latents(load_model(entry.name), container)
        return DecodedImage(tensor_to_pixels(x_hat, header.height, header.width), header)


FAMILY = HyperpriorFamily()
