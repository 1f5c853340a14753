"""The chunk types of hyperprior-family streams (layout in docs/FORMAT.md, section 7),
registered with the container when this module is imported. Torch-free: ``nvc``
imports it at once (``nvc.families``), before any stream is read."""

from bitstream import register_chunk_types

ZLAT, YLAT = b"ZLAT", b"YLAT"

CHUNK_TYPES: dict[bytes, str] = {
    ZLAT: "hyper-latent z: entropy-coded with the factorized model",
    YLAT: "latent y: entropy-coded with the Gaussian conditional model",
}
CONCEALABLE: frozenset[bytes] = frozenset()  # z and y are each one range-coded stream: nothing survives a loss

register_chunk_types(CHUNK_TYPES)
