"""The VQ family's ``ModelFamily``: images to bands of codebook indices (VQIX chunks) and back."""

from __future__ import annotations

import math

import numpy as np

from bitstream import Chunk, Container
from nvc.family import DecodedImage, EncodeOptions, ModelFamily
from nvc.registry import ModelEntry
from nvc.vq.chunks import CHUNK_TYPES, CONCEALABLE
from nvc.vq.codec import decode_vq, index_statistics, load_vq, vq_chunks


class VQFamily(ModelFamily):
    """VQGAN-style autoencoders whose streams hold index bands (``nvc.vq.codec``); a lost
    band is concealed from the index prior."""

    chunk_types = CHUNK_TYPES
    concealable = CONCEALABLE

    def load(self, entry: ModelEntry) -> None:
        """Load the autoencoder and its priors (cached per model)."""
        load_vq(entry.name)

    def encode(self, entry: ModelEntry, pixels: np.ndarray, quality: int, options: EncodeOptions) -> list[Chunk]:
        """One VQIX chunk per band of the pixels' index grid."""
        return vq_chunks(pixels, quality, entry.name)

    def decode(self, entry: ModelEntry, container: Container, conceal: bool) -> DecodedImage:
        """The decoder's image of the decoded (or, with ``conceal``, filled-in) indices."""
        pixels, notes = decode_vq(container, entry.name, conceal)
        return DecodedImage(pixels, container.header, tuple(notes))

    def describe(self, entry: ModelEntry, container: Container) -> list[tuple[str, str]]:
        """The level's codebook size and the coded bits per index."""
        codebook, bits = index_statistics(container, entry)
        return [
            ("codebook", f"{codebook} entries ({math.log2(codebook):.0f} bits per index uncoded)"),
            ("index bits", f"{bits:.3f} per index"),
        ]


FAMILY = VQFamily()
