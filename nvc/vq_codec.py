"""Image coding with a registered VQ model: pixels <-> container bytes.

Stream layout (see docs/FORMAT.md): HEAD, then ``VQIX``, the index grid of shape
(ceil(H/16), ceil(W/16)) coded with the quality level's index prior in one range-coded
stream: first the checkerboard's anchors (row + column even) in row-major order, each
with the prior's anchor distribution, then the other positions, each with the
distribution the prior's context network gives from the decoded anchors. Then DONE.
The probabilities are computed on one thread, so encoder and decoder agree exactly.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from bitstream import VQIX, Chunk, Container, FormatError, Header, write_container
from entropy import EntropyDecodeError, IndexStreamDecoder, IndexStreamEncoder
from nvc.entropy_parameters import single_thread
from nvc.errors import CodecError
from nvc.hyperprior import checkerboard
from nvc.loading import load_network
from nvc.pixels import pixels_to_tensor, tensor_to_pixels
from nvc.registry import ModelEntry, get_model_entry
from nvc.vq import IndexPrior, VQAutoencoder, VQConfig

VQ_CHUNK = VQIX
BIT_DEPTH = 8


def is_vq(entry: ModelEntry) -> bool:
    """True for models whose streams hold vector-quantizer indices."""
    return isinstance(entry.config, VQConfig)


@functools.lru_cache(maxsize=4)
def load_vq(name: str) -> VQAutoencoder:
    """Load (once) a registered VQ model."""
    return load_network(get_model_entry(name))


def grid_shape(config: VQConfig, height: int, width: int) -> tuple[int, int]:
    """Shape of the index grid of an image."""
    stride = 2**config.stages
    return -(-height // stride), -(-width // stride)


@torch.no_grad()
def anchor_probabilities(prior: IndexPrior, count: int) -> np.ndarray:
    """(count, K) float64 probabilities of the anchors."""
    with single_thread():
        return prior.anchor_log_probabilities(count).exp().double().numpy()


@torch.no_grad()
def non_anchor_probabilities(prior: IndexPrior, indices: torch.Tensor) -> np.ndarray:
    """(n, K) float64 probabilities of the non-anchors, row-major, given the anchors of
    ``indices`` (H, W) (its non-anchor entries are ignored)."""
    with single_thread():
        log_probabilities = prior.non_anchor_log_probabilities(indices[None])[0]
        non_anchors = ~checkerboard(*indices.shape)
        return log_probabilities[:, non_anchors].t().exp().double().numpy()


def encode_vq(pixels: np.ndarray, quality: int, model_name: str, channels: int = 3) -> bytes:
    """Code (H, W, 3) uint8 pixels at a 1-based quality level into a container."""
    entry = get_model_entry(model_name)
    if quality not in entry.qualities:
        raise CodecError(f"quality {quality} is out of range for model '{entry.name}' "
                         f"({entry.qualities.start}..{entry.qualities.stop - 1})")
    network = load_vq(model_name)
    level = quality - 1
    with torch.no_grad():
        indices = network.indices(pixels_to_tensor(pixels, network.downsampling), level)[0]
    anchors = checkerboard(*indices.shape)
    prior = network.priors[level]
    encoder = IndexStreamEncoder()
    encoder.encode(indices[anchors].numpy(), anchor_probabilities(prior, int(anchors.sum())))
    encoder.encode(indices[~anchors].numpy(), non_anchor_probabilities(prior, indices))
    height, width = pixels.shape[:2]
    header = Header(entry.name, entry.digest, width, height, channels, BIT_DEPTH, quality)
    return write_container(header, [Chunk(VQ_CHUNK, encoder.finish())])


def decode_indices(container: Container, model_name: str) -> torch.Tensor:
    """The (H/16, W/16) index grid of a VQ stream's container; FormatError if damaged."""
    header = container.header
    network = load_vq(model_name)
    prior = network.priors[header.quality - 1]
    indices = torch.zeros(grid_shape(network.config, header.height, header.width), dtype=torch.long)
    anchors = checkerboard(*indices.shape)
    try:
        decoder = IndexStreamDecoder(container.chunk(VQ_CHUNK).data)
        indices[anchors] = torch.from_numpy(decoder.decode(anchor_probabilities(prior, int(anchors.sum())))).long()
        indices[~anchors] = torch.from_numpy(decoder.decode(non_anchor_probabilities(prior, indices))).long()
    except EntropyDecodeError as error:
        raise FormatError(str(error)) from error
    return indices


def decode_vq(container: Container, model_name: str) -> np.ndarray:
    """A VQ stream's container back to (H, W, 3) uint8 pixels; FormatError if damaged."""
    header = container.header
    indices = decode_indices(container, model_name)
    with torch.no_grad():
        x_hat = load_vq(model_name).decode(indices[None], header.quality - 1)
    return tensor_to_pixels(x_hat, header.height, header.width)


def index_statistics(container: Container, entry: ModelEntry) -> tuple[int, float]:
    """(codebook size, bits per index) of a VQ stream, for ``nvc info``."""
    header = container.header
    config = entry.config
    count = math.prod(grid_shape(config, header.height, header.width))
    return config.codebook_sizes[header.quality - 1], 8 * len(container.chunk(VQ_CHUNK).data) / count
