"""The chunk types of overfitted-family streams (layout in docs/FORMAT.md), registered with
the container when this module is imported. Torch-free."""

from bitstream import register_chunk_types

ONET, OLAT = b"ONET", b"OLAT"

CHUNK_TYPES: dict[bytes, str] = {
    ONET: "overfitted model: architecture, quantization steps and range-coded integer parameters of its networks",
    OLAT: "overfitted model: one latent grid, range-coded with the fixed-point autoregressive model",
}
CONCEALABLE: frozenset[bytes] = frozenset()

register_chunk_types(CHUNK_TYPES)
