"""Coding with a hyperprior-family model: images (and P-frame residuals) <-> latent chunks.

Payload (see docs/FORMAT.md, section 7), between the container's HEAD and DONE:

* ``ZLAT``: the hyper-latent z, shape (N, ceil(H/64), ceil(W/64)), each channel coded
  with its own categorical table (``entropy.categorical``);
* ``YLAT``: the latent y, shape (M, ceil(H/64)*4, ceil(W/64)*4), symbols round(y - mean)
  coded with the scale-table Gaussian (``entropy.gaussian``) in one range-coded stream,
  group after group in the model's coding order (``coding_groups``: all of y for the
  hyperprior; channel slices, each as checkerboard anchors then non-anchors, for
  context models), each group's parameters computed from the groups before it;

All shapes follow from the width and height in HEAD.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from bitstream import Chunk, Container, FormatError
from entropy import (
    EntropyDecodeError,
    GaussianStreamDecoder,
    GaussianStreamEncoder,
    decode_categorical,
    encode_categorical,
)
from nvc.image.entropy_parameters import (
    GroupParameters,
    HyperLatentTable,
    group_parameters,
    hyper_features,
    hyper_latent_symbols,
    hyper_latent_table,
    hyper_latent_values,
)
from nvc.image.chunks import YLAT, ZLAT
from nvc.image.hyperprior import GainedHyperprior, LatentGroup, group_positions
from nvc.image.refine import Refinement, refine_latents
from nvc.loading import load_network
from nvc.tensors import pixels_to_tensor
from nvc.registry import ModelEntry, get_model_entry
Y_PER_Z = 4  # y is 4x z's resolution in each direction


@dataclass(frozen=True)
class LoadedModel:
    """A registry entry with its network in eval mode and its z coding tables."""

    entry: ModelEntry
    network: GainedHyperprior
    table: HyperLatentTable


@functools.lru_cache(maxsize=8)
def load_model(name: str) -> LoadedModel:
    """Load (once) the weights of a registered hyperprior-family model."""
    entry = get_model_entry(name)
    network = load_network(entry)
    return LoadedModel(entry, network, hyper_latent_table(network))


def _latent_shapes(model: LoadedModel, height: int, width: int) -> tuple[tuple, tuple]:
    stride = GainedHyperprior.downsampling
    z_size = (-(-height // stride), -(-width // stride))
    config = model.entry.config
    y_size = (z_size[0] * Y_PER_Z, z_size[1] * Y_PER_Z)
    return (config.channels, *z_size), (config.latent_channels, *y_size)


@dataclass(frozen=True)
class LatentSymbols:
    """Everything that is entropy coded for one image, plus y's Gaussian parameters."""

    z: np.ndarray  # (N, h*w) table symbols of the hyper-latent
    y: np.ndarray  # int32 symbols round(y - mean), shape of y
    scale_indices: np.ndarray  # int32, shape of y
    means: torch.Tensor  # float32, shape of y (1, M, H, W)

    @property
    def y_hat(self) -> torch.Tensor:
        """The dequantized latent the synthesis transform sees."""
        return torch.from_numpy(self.y.astype(np.float32)) + self.means


SymbolSource = Callable[[LatentGroup, GroupParameters], np.ndarray]


def code_latent_groups(network: GainedHyperprior, z_hat: torch.Tensor, y_shape: tuple,
                       symbols_of: SymbolSource) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """Walk y's coding groups in order, as encoder and decoder both must.

    For each group the parameters come from the hyper features and the groups already
    done; ``symbols_of`` returns that group's (channels, positions) int32 symbols (the
    encoder computes and codes them, the decoder decodes them). Returns y's symbols,
    scale indices and means, each of shape (1, *y_shape).
    """
    hyper = hyper_features(network, z_hat)
    symbols = np.zeros((1, *y_shape), dtype=np.int32)
    indices = np.zeros((1, *y_shape), dtype=np.int32)
    means = torch.zeros((1, *y_shape))
    y_hat = torch.zeros((1, *y_shape))
    for group in network.coding_groups(*y_shape[1:]):
        parameters = group_parameters(network, hyper, y_hat, group)
        group_symbols = symbols_of(group, parameters)
        channels, where = slice(group.start, group.stop), parameters.positions
        symbols[0, channels][:, where.numpy()] = group_symbols
        indices[0, channels][:, where.numpy()] = parameters.indices
        means[0, channels][:, where] = parameters.means
        y_hat[0, channels][:, where] = torch.from_numpy(group_symbols.astype(np.float32)) + parameters.means
    return symbols, indices, means


def analyse_tensor(model: LoadedModel, x: torch.Tensor, quality: int, refinement: Refinement | None = None,
                   size: tuple[int, int] | None = None) -> LatentSymbols:
    """The symbols the encoder codes for a (1, 3, H, W) network input (sides multiples of
    the model's stride) at a 1-based quality; with a ``refinement``, of the latents refined
    for the image in the input's top-left ``size`` (default: all of it)."""
    model.entry.check_quality(quality)
    if refinement is not None and refinement.steps:
        y, z = refine_latents(model.network, x, size or tuple(x.shape[2:]), quality, refinement)
    else:
        with torch.no_grad():
            y, z = model.network.analyse(x, torch.tensor([quality - 1]))
    return latent_symbols(model, y, z)


@torch.no_grad()
def latent_symbols(model: LoadedModel, y: torch.Tensor, z: torch.Tensor) -> LatentSymbols:
    """The symbols that code the gained latent y and the hyper-latent z."""
    z_symbols = hyper_latent_symbols(z, model.table)
    z_hat = hyper_latent_values(z_symbols, model.table, z.shape[1:])

    def round_group(group: LatentGroup, parameters: GroupParameters) -> np.ndarray:
        values = y[0, group.start : group.stop][:, parameters.positions]
        return torch.round(values - parameters.means).numpy().astype(np.int32)

    y_symbols, indices, means = code_latent_groups(model.network, z_hat, tuple(y.shape[1:]), round_group)
    return LatentSymbols(z_symbols, y_symbols, indices, means)


def analyse_pixels(model: LoadedModel, pixels: np.ndarray, quality: int) -> LatentSymbols:
    """The symbols the encoder codes for (H, W, 3) uint8 pixels at a 1-based quality."""
    return analyse_tensor(model, pixels_to_tensor(pixels, GainedHyperprior.downsampling), quality)


def latent_chunks(model: LoadedModel, x: torch.Tensor, quality: int, refinement: Refinement | None = None,
                  size: tuple[int, int] | None = None) -> list[Chunk]:
    """The ZLAT and YLAT chunks that code a (1, 3, H, W) network input (see ``analyse_tensor``)."""
    symbols = analyse_tensor(model, x, quality, refinement, size)
    y_encoder = GaussianStreamEncoder()
    for group in model.network.coding_groups(*symbols.y.shape[2:]):  # the order the decoder reads
        where = group_positions(group, *symbols.y.shape[2:]).numpy()
        y_encoder.encode(symbols.y[0, group.start : group.stop][:, where], symbols.scale_indices[0, group.start : group.stop][:, where])
    return [Chunk(ZLAT, encode_categorical(symbols.z, model.table.pmfs)), Chunk(YLAT, y_encoder.finish())]


def decode_symbols(model: LoadedModel, container: Container) -> LatentSymbols:
    """Entropy-decode a container's latents; FormatError if a payload is damaged."""
    header = container.header
    z_shape, y_shape = _latent_shapes(model, header.height, header.width)
    try:
        z_symbols = decode_categorical(container.chunk(ZLAT).data, model.table.pmfs, z_shape[1] * z_shape[2])
        z_hat = hyper_latent_values(z_symbols, model.table, z_shape)
        y_decoder = GaussianStreamDecoder(container.chunk(YLAT).data)

        def decode_group(group: LatentGroup, parameters: GroupParameters) -> np.ndarray:
            return y_decoder.decode(parameters.indices).reshape(parameters.indices.shape)

        y_symbols, indices, means = code_latent_groups(model.network, z_hat, y_shape, decode_group)
    except EntropyDecodeError as error:
        raise FormatError(str(error)) from error
    return LatentSymbols(z_symbols, y_symbols, indices, means)


@torch.no_grad()
def synthesise_latents(model: LoadedModel, container: Container) -> torch.Tensor:
    """Decode the ZLAT/YLAT chunks of ``container`` (size and quality from its header) with
    ``model``: the padded (1, 3, H, W) network output; FormatError if damaged."""
    symbols = decode_symbols(model, container)
    return model.network.synthesise(symbols.y_hat, torch.tensor([container.header.quality - 1]))
