"""Entropy models and coding: symbols, distributions and constriction coders (no images)."""

from entropy.categorical import IndexStreamDecoder, IndexStreamEncoder, decode_categorical, encode_categorical
from entropy.coder import EntropyDecodeError
from entropy.gaussian import (
    SCALE_TABLE,
    GaussianStreamDecoder,
    GaussianStreamEncoder,
    decode_gaussian,
    encode_gaussian,
    scale_indices,
)
from entropy.laplace import best_scale_index, decode_laplace, encode_laplace

__all__ = [
    "SCALE_TABLE",
    "EntropyDecodeError",
    "GaussianStreamDecoder",
    "GaussianStreamEncoder",
    "IndexStreamDecoder",
    "IndexStreamEncoder",
    "best_scale_index",
    "decode_categorical",
    "decode_gaussian",
    "decode_laplace",
    "encode_categorical",
    "encode_gaussian",
    "encode_laplace",
    "scale_indices",
]
