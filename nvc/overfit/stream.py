"""The overfitted family's chunk payloads (layouts in docs/FORMAT.md).

``ONET`` (one): the architecture, then per network its weight and bias shifts, then one
scale index per parameter array, then the range-coded integers of every array:

    u8 version | u8 levels | u8 context | u8 ARM hidden layers | u8 synthesis width
    | per network (ARM, upsampling, synthesis): u8 weight shift, u8 bias shift
    | u8 scale index per array | coded integers

``OLAT`` (one per grid): ``u8 level | i16 low | i16 high | coded latents`` (big-endian),
the grid's latents in [low, high], range-coded in decoding order (empty if low == high).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from bitstream import FormatError
from nvc.overfit.config import OverfitConfig
from nvc.overfit.context import MAX_CONTEXT
from nvc.overfit.fixed_point import FRACTION_BITS, LATENT_LIMIT, MAX_WEIGHT_SHIFT
from nvc.overfit.nnquant import MAX_BIAS_SHIFT, QuantizedNetwork

FORMAT_VERSION = 1
_ARCHITECTURE = struct.Struct(">BBBBB")
_SHIFTS = struct.Struct(">BB")
_GRID = struct.Struct(">Bhh")
LIMITS = {"levels": (1, 8), "context": (1, MAX_CONTEXT), "arm_hidden": (0, 4), "synthesis_width": (1, 64)}
NETWORKS = ("arm", "upsampling", "synthesis")


@dataclass(frozen=True)
class NetworkPayload:
    """What ONET carries: the architecture, and per network its shifts, scale indices and integers."""

    config: OverfitConfig
    networks: tuple[QuantizedNetwork, ...]  # in NETWORKS order
    scale_indices: tuple[int, ...]
    coded: bytes


def pack_network(payload: NetworkPayload) -> bytes:
    """ONET chunk data."""
    config = payload.config
    parts = [_ARCHITECTURE.pack(FORMAT_VERSION, config.levels, config.context, config.arm_hidden, config.synthesis_width)]
    parts += [_SHIFTS.pack(network.weight_shift, network.bias_shift) for network in payload.networks]
    parts.append(bytes(payload.scale_indices))
    return b"".join(parts) + payload.coded


def unpack_network_header(data: bytes) -> tuple[OverfitConfig, list[tuple[int, int]], list[int], bytes]:
    """(config, shifts per network, scale indices, coded bytes) of ONET data; FormatError if malformed."""
    if len(data) < _ARCHITECTURE.size + len(NETWORKS) * _SHIFTS.size:
        raise FormatError("ONET chunk too short")
    version, levels, context, hidden, width = _ARCHITECTURE.unpack_from(data)
    if version != FORMAT_VERSION:
        raise FormatError(f"ONET version {version} is not supported (this decoder reads {FORMAT_VERSION})")
    values = {"levels": levels, "context": context, "arm_hidden": hidden, "synthesis_width": width}
    for name, value in values.items():
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise FormatError(f"ONET {name.replace('_', ' ')} {value} is outside {low}..{high}")
    config = OverfitConfig(**values)
    offset = _ARCHITECTURE.size
    shifts = [_SHIFTS.unpack_from(data, offset + i * _SHIFTS.size) for i in range(len(NETWORKS))]
    if any(not 0 <= w <= MAX_WEIGHT_SHIFT or not 0 <= b <= MAX_BIAS_SHIFT for w, b in shifts):
        raise FormatError("ONET quantization shift out of range")
    if shifts[0][1] > shifts[0][0] + FRACTION_BITS:  # the fixed-point ARM adds its biases exactly
        raise FormatError("ONET ARM bias step is finer than the fixed-point ARM allows")
    offset += len(NETWORKS) * _SHIFTS.size
    count = config.parameter_arrays()
    if len(data) < offset + count:
        raise FormatError("ONET chunk too short for its scale indices")
    return config, shifts, list(data[offset : offset + count]), data[offset + count :]


def pack_grid(level: int, low: int, high: int, coded: bytes) -> bytes:
    """OLAT chunk data."""
    return _GRID.pack(level, low, high) + coded


def unpack_grid(data: bytes, levels: int) -> tuple[int, int, int, bytes]:
    """(level, low, high, coded) of OLAT data; FormatError if malformed."""
    if len(data) < _GRID.size:
        raise FormatError("OLAT chunk too short")
    level, low, high = _GRID.unpack_from(data)
    if level >= levels:
        raise FormatError(f"OLAT names grid {level}, the model has {levels}")
    if not -LATENT_LIMIT <= low <= high <= LATENT_LIMIT:
        raise FormatError(f"OLAT range {low}..{high} is invalid")
    if (low == high) != (len(data) == _GRID.size):
        raise FormatError("OLAT data does not match its range")
    return level, low, high, data[_GRID.size :]
