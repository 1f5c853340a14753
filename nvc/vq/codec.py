"""Image coding with a registered VQ model: pixels <-> container bytes.

Stream layout (see docs/FORMAT.md): HEAD, then one ``VQIX`` chunk per band of
``BAND_ROWS`` rows of the index grid (shape (ceil(H/16), ceil(W/16))), then DONE. A band's
payload is its first row (u16, big-endian) and a range-coded stream: the band's
checkerboard anchors (row + column even) in row-major order, each with the prior's
anchor distribution, then its other positions, each with the distribution the prior's
context network gives from the band's decoded anchors. Bands are independent, so a
damaged or missing band loses only its own indices: with ``conceal``, the decoder fills
them from the prior (the anchors' most likely index, then the context network's most
likely index for the rest) and says so. The probabilities are computed on one thread,
so encoder and decoder agree exactly.
"""

from __future__ import annotations

import functools
import math
import struct

import numpy as np
import torch

from bitstream import Chunk, Container, FormatError
from entropy import EntropyDecodeError, IndexStreamDecoder, IndexStreamEncoder
from nvc.anchors import checkerboard
from nvc.loading import load_network
from nvc.tensors import pixels_to_tensor, tensor_to_pixels
from nvc.registry import ModelEntry, get_model_entry
from nvc.threads import single_thread
from nvc.vq.chunks import VQIX
from nvc.vq.config import VQConfig
from nvc.vq.model import IndexPrior, VQAutoencoder

BAND_ROWS = 4  # index rows per VQIX chunk (even: the bands keep the global checkerboard)
MAX_CONCEALED_SHARE = 0.5  # of a stream's bands: more lost is no picture but the prior's guess
_FIRST_ROW = struct.Struct(">H")


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


def encode_band(prior: IndexPrior, band: torch.Tensor) -> bytes:
    """A band of the index grid (rows, W) as its range-coded anchors, then non-anchors."""
    anchors = checkerboard(*band.shape)
    encoder = IndexStreamEncoder()
    encoder.encode(band[anchors].numpy(), anchor_probabilities(prior, int(anchors.sum())))
    encoder.encode(band[~anchors].numpy(), non_anchor_probabilities(prior, band))
    return encoder.finish()


def decode_band(prior: IndexPrior, data: bytes, rows: int, width: int) -> torch.Tensor:
    """Inverse of ``encode_band``; EntropyDecodeError if the data does not decode."""
    band = torch.zeros(rows, width, dtype=torch.long)
    anchors = checkerboard(rows, width)
    decoder = IndexStreamDecoder(data)
    band[anchors] = torch.from_numpy(decoder.decode(anchor_probabilities(prior, int(anchors.sum())))).long()
    band[~anchors] = torch.from_numpy(decoder.decode(non_anchor_probabilities(prior, band))).long()
    return band


@torch.no_grad()
def conceal_band(prior: IndexPrior, rows: int, width: int) -> torch.Tensor:
    """Indices for a lost band: the most likely anchor, then the most likely non-anchors given it."""
    band = torch.full((rows, width), int(prior.anchor_logits.argmax()), dtype=torch.long)
    with single_thread():
        guesses = prior.non_anchor_log_probabilities(band[None])[0].argmax(0)
    non_anchors = ~checkerboard(rows, width)
    band[non_anchors] = guesses[non_anchors]
    return band


def vq_chunks(pixels: np.ndarray, quality: int, model_name: str) -> list[Chunk]:
    """The VQIX chunks of (H, W, 3) uint8 pixels at a 1-based quality level."""
    network = load_vq(model_name)
    level = quality - 1
    with torch.no_grad():
        indices = network.indices(pixels_to_tensor(pixels, network.downsampling), level)[0]
    return [
        Chunk(VQIX, _FIRST_ROW.pack(top) + encode_band(network.priors[level], indices[top : top + BAND_ROWS]))
        for top in range(0, indices.shape[0], BAND_ROWS)
    ]


def decode_indices(container: Container, model_name: str, conceal: bool = False) -> tuple[torch.Tensor, list[str]]:
    """The index grid of a VQ stream's container and notes on any bands concealed.

    Without ``conceal`` a missing or undecodable band is a FormatError; with it, so is
    losing more than MAX_CONCEALED_SHARE of the bands (e.g. under a forged, larger size).
    """
    header = container.header
    prior = load_vq(model_name).priors[header.quality - 1]
    height, width = grid_shape(load_vq(model_name).config, header.height, header.width)
    indices = torch.zeros(height, width, dtype=torch.long)
    tops = set(range(0, height, BAND_ROWS))
    notes = list(container.damage)
    for chunk in container.chunks_of(VQIX):
        if len(chunk.data) < _FIRST_ROW.size or _FIRST_ROW.unpack_from(chunk.data)[0] not in tops:
            raise FormatError("VQIX chunk names no expected band of the index grid")
        top = _FIRST_ROW.unpack_from(chunk.data)[0]
        rows = min(BAND_ROWS, height - top)
        try:
            indices[top : top + rows] = decode_band(prior, chunk.data[_FIRST_ROW.size :], rows, width)
        except EntropyDecodeError as error:
            if not conceal:
                raise FormatError(str(error)) from error
            notes.append(f"index rows {top}-{top + rows - 1} could not be decoded")
            continue
        tops.discard(top)
    if tops and not conceal:
        raise FormatError(f"VQIX bands missing for index rows {sorted(tops)}")
    bands = -(-height // BAND_ROWS)
    if len(tops) > MAX_CONCEALED_SHARE * bands:
        raise FormatError(f"{len(tops)} of {bands} index bands are lost: too many to conceal")
    for top in sorted(tops):
        rows = min(BAND_ROWS, height - top)
        indices[top : top + rows] = conceal_band(prior, rows, width)
    if tops:
        notes.append(f"{len(tops)} of {bands} index bands were lost and filled in from the prior")
    return indices, notes


def decode_vq(container: Container, model_name: str, conceal: bool = False) -> tuple[np.ndarray, list[str]]:
    """A VQ stream's container back to (H, W, 3) uint8 pixels, with notes on concealed damage."""
    header = container.header
    indices, notes = decode_indices(container, model_name, conceal)
    with torch.no_grad():
        x_hat = load_vq(model_name).decode(indices[None], header.quality - 1)
    return tensor_to_pixels(x_hat, header.height, header.width), notes


def index_statistics(container: Container, entry: ModelEntry) -> tuple[int, float]:
    """(codebook size, bits per index) of a VQ stream, for ``nvc info``."""
    header = container.header
    config = entry.config
    count = math.prod(grid_shape(config, header.height, header.width))
    coded = sum(len(chunk.data) - _FIRST_ROW.size for chunk in container.chunks_of(VQIX))
    return config.codebook_sizes[header.quality - 1], 8 * coded / count
