"""The overfitted family's ``ModelFamily``: each image fitted by its own model (ONET, OLAT)."""

from __future__ import annotations

import numpy as np

from bitstream import Chunk, Container
from nvc.family import DecodedImage, EncodeOptions, ModelFamily
from nvc.overfit.chunks import CHUNK_TYPES, OLAT, ONET
from nvc.overfit.codec import decode_image, encode_image
from nvc.overfit.presets import DEFAULT_EFFORT, EFFORTS, ENCODER_VERSION, LAMBDAS, architecture, describe_architectures
from nvc.overfit.stream import unpack_grid, unpack_network_header
from nvc.registry import ModelEntry


class OverfitFamily(ModelFamily):
    """Cool-chic-style overfitted codecs: the encoder fits the networks, the stream carries them."""

    chunk_types = CHUNK_TYPES
    efforts = tuple(EFFORTS)
    slow_encoder = True

    def load(self, entry: ModelEntry) -> None:
        """Nothing to load: the networks come with each stream."""

    def encode(self, entry: ModelEntry, pixels: np.ndarray, quality: int, options: EncodeOptions) -> list[Chunk]:
        """Fit the quality's architecture at its lambda for the effort's schedule, and code it."""
        schedule = EFFORTS[options.effort or DEFAULT_EFFORT]
        progress = options.progress
        report = (lambda state: progress(state.fraction)) if progress else None
        return encode_image(pixels, architecture(entry.config, quality), LAMBDAS[quality - 1], schedule, report)

    def encoder_identity(self, entry: ModelEntry, effort: str | None = None, quality: int | None = None) -> str:
        """The encoder's version, the effort's schedule and the architecture (the quality's, or
        every quality's when None): the fit is the encoder."""
        effort = effort or DEFAULT_EFFORT
        sizes = architecture(entry.config, quality) if quality else describe_architectures(entry.config)
        return f"encoder {ENCODER_VERSION}; effort {effort}: {EFFORTS[effort]}; {sizes}"

    def decode(self, entry: ModelEntry, container: Container, conceal: bool) -> DecodedImage:
        """Decode the networks and latents, and synthesise."""
        return DecodedImage(decode_image(container), container.header)

    def describe(self, entry: ModelEntry, container: Container) -> list[tuple[str, str]]:
        """Bytes of the networks and of each latent grid, and the decoder's MAC per pixel."""
        networks = container.chunk(ONET).data
        config = unpack_network_header(networks)[0]
        lines = [("network bytes", str(len(networks))), ("MAC per pixel", f"{config.macs_per_pixel():.0f}")]
        for chunk in container.chunks_of(OLAT):
            lines.append((f"grid {unpack_grid(chunk.data, config.levels)[0]} bytes", str(len(chunk.data))))
        return lines


FAMILY = OverfitFamily()
