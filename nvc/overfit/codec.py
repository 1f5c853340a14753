"""The overfitted family's encoder and decoder: pixels <-> ONET and OLAT chunks.

Encoding fits a model to the image (``fit``), quantizes its networks (``nnquant``) and
range-codes the integer latents with the fixed-point ARM (``latent_coding``). Decoding
reads the networks, decodes the latents front by front, and runs the upsampling and
synthesis in float32. Nothing here needs compressai.
"""

from __future__ import annotations

import numpy as np
import torch

from bitstream import Chunk, Container, FormatError
from entropy import EntropyDecodeError
from entropy.integers import best_integer_scale, decode_integers, encode_integers
from nvc.overfit.arm import Arm
from nvc.overfit.chunks import OLAT, ONET
from nvc.overfit.config import OverfitConfig
from nvc.overfit.fit import Reporter, Schedule, fit
from nvc.overfit.fixed_point import FRACTION_BITS, LATENT_LIMIT
from nvc.overfit.latent_coding import coding_order, decode_latents, encode_latents
from nvc.overfit.model import HARD, OverfitModel, eight_bit, eight_bit_mse, grid_shapes
from nvc.overfit.nnquant import MAX_BIAS_SHIFT, QuantizedNetwork, choose_steps, fixed_point_arm, load_quantized
from nvc.overfit.stream import NetworkPayload, pack_grid, pack_network, unpack_grid, unpack_network_header
from nvc.overfit.synthesis import Synthesis
from nvc.overfit.upsampling import Upsampling


def to_unit_tensor(pixels: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (1, 3, H, W) float32 in [0, 1], channels-last like the synthesis output."""
    return (torch.from_numpy(np.array(pixels, dtype=np.float32)) / 255).permute(2, 0, 1)[None]


def to_pixels(image: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) in [0, 1] -> (H, W, 3) uint8."""
    return eight_bit(image[0]).to(torch.uint8).permute(1, 2, 0).numpy()


def _networks(config: OverfitConfig) -> tuple[Arm, Upsampling, Synthesis]:
    """The networks of ``config``, to be loaded with decoded parameters (their random
    initialisation does not touch the caller's random state)."""
    with torch.random.fork_rng(devices=[]):
        return Arm(config.context, config.arm_hidden), Upsampling(config.levels), Synthesis(config.levels, config.synthesis_width)


def _quantize_networks(model: OverfitModel, image: torch.Tensor, lam: float) -> tuple[QuantizedNetwork, ...]:
    """ARM, upsampling and synthesis quantized with RD-chosen steps (the model is left quantized)."""
    pixels = image.shape[-2] * image.shape[-1]
    grids = model.rounded_latents(HARD)

    @torch.no_grad()
    def rate() -> float:
        return lam * float(model.latent_bits(grids)) / pixels

    @torch.no_grad()
    def distortion() -> float:
        return eight_bit_mse(model.synthesise(grids), image)

    arm = choose_steps(model.arm, rate, pixels, lam, FRACTION_BITS)
    synthesis = choose_steps(model.synthesis, distortion, pixels, lam, MAX_BIAS_SHIFT)
    upsampling = choose_steps(model.upsampling, distortion, pixels, lam, MAX_BIAS_SHIFT)
    return arm, upsampling, synthesis


def fitting_device() -> torch.device:
    """Where the fit runs: the GPU when torch has one, else the CPU (decoding is always on the CPU)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def encode_image(pixels: np.ndarray, config: OverfitConfig, lam: float, schedule: Schedule,
                 report: Reporter | None = None) -> list[Chunk]:
    """ONET and OLAT chunks coding (H, W, 3) uint8 pixels."""
    image = to_unit_tensor(pixels).to(fitting_device())
    model = fit(image, config, lam, schedule, report).cpu()  # quantized and coded as the CPU decoder will see it
    networks = _quantize_networks(model, image.cpu(), lam)
    arrays = [values for network in networks for values in network.integers]
    scale_indices = tuple(best_integer_scale(values)[0] for values in arrays)
    payload = NetworkPayload(config, networks, scale_indices, encode_integers(arrays, list(scale_indices)))
    grids = [np.clip(grid.cpu().numpy(), -LATENT_LIMIT, LATENT_LIMIT).astype(np.int32) for grid in model.rounded_latents(HARD)]
    order = coding_order(grid_shapes(*pixels.shape[:2], config.levels), model.arm.offsets)
    coded = encode_latents(grids, fixed_point_arm(networks[0], config.arm_hidden), order)
    return [Chunk(ONET, pack_network(payload))] + [
        Chunk(OLAT, pack_grid(level, low, high, data)) for level, (low, high, data) in enumerate(coded)
    ]


def _array_shapes(networks) -> list[list[torch.Size]]:
    return [[p.shape for group in network.weights_and_biases() for p in group] for network in networks]


def read_networks(data: bytes) -> tuple[OverfitConfig, tuple[Arm, Upsampling, Synthesis], QuantizedNetwork]:
    """The networks of ONET data, dequantized, and the quantized ARM; FormatError if damaged."""
    config, shifts, scale_indices, coded = unpack_network_header(data)
    networks = _networks(config)
    shapes = _array_shapes(networks)
    sizes = [int(np.prod(shape)) for network_shapes in shapes for shape in network_shapes]
    try:
        arrays = decode_integers(coded, sizes, scale_indices)
    except EntropyDecodeError as error:
        raise FormatError(str(error)) from error
    quantized, start = [], 0
    for network, network_shapes, (weight_shift, bias_shift) in zip(networks, shapes, shifts):
        integers = tuple(a.astype(np.int64).reshape(shape) for a, shape in zip(arrays[start:], network_shapes))
        start += len(network_shapes)
        quantized.append(QuantizedNetwork(weight_shift, bias_shift, integers))
        load_quantized(network, quantized[-1])
    return config, networks, quantized[0]


@torch.no_grad()
def decode_image(container: Container) -> np.ndarray:
    """(H, W, 3) uint8 pixels of a container holding ONET and OLAT chunks; FormatError if damaged."""
    header = container.header
    config, (arm, upsampling, synthesis), quantized_arm = read_networks(container.chunk(ONET).data)
    grids: dict[int, tuple[int, int, bytes]] = {}
    for chunk in container.chunks_of(OLAT):
        level, low, high, data = unpack_grid(chunk.data, config.levels)
        if level in grids:
            raise FormatError(f"two OLAT chunks for grid {level}")
        grids[level] = (low, high, data)
    if len(grids) != config.levels:
        raise FormatError(f"OLAT chunks for {len(grids)} of {config.levels} grids")
    order = coding_order(grid_shapes(header.height, header.width, config.levels), arm.offsets)
    try:
        latents = decode_latents([grids[level] for level in range(config.levels)],
                                 fixed_point_arm(quantized_arm, config.arm_hidden), order)
    except EntropyDecodeError as error:
        raise FormatError(str(error)) from error
    reconstruction = synthesis(upsampling([torch.from_numpy(grid).float() for grid in latents]))
    return to_pixels(reconstruction)
