"""The chunk types of VQ streams (layout in docs/FORMAT.md, section 7b), registered with
the container when this module is imported. Torch-free: ``nvc`` imports it at once
(``nvc.families``), before any stream is read."""

from bitstream import register_chunk_types

VQIX = b"VQIX"

CHUNK_TYPES: dict[bytes, str] = {
    VQIX: "vector-quantizer index grid: checkerboard anchors, then the rest, coded with the learned index prior",
}
CONCEALABLE: frozenset[bytes] = frozenset({VQIX})  # bands are independent: a lost one is filled in from the prior

register_chunk_types(CHUNK_TYPES)
