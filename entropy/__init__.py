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

__all__ = [
    "SCALE_TABLE",
    "EntropyDecodeError",
    "GaussianStreamDecoder",
    "GaussianStreamEncoder",
    "IndexStreamDecoder",
    "IndexStreamEncoder",
    "decode_categorical",
    "decode_gaussian",
    "encode_categorical",
    "encode_gaussian",
    "scale_indices",
]
