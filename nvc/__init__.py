"""nvc: a learned image codec. ``nvc.encode`` / ``nvc.decode`` are the whole library API.

>>> data = nvc.encode(pixels, quality=4)   # (H, W, 3) uint8 array or PIL image -> bytes
>>> pixels = nvc.decode(data)              # bytes -> (H, W, 3) uint8 array
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from bitstream import FormatError, Header, read_container
from nvc.codec import decode_stream, encode_pixels
from nvc.errors import CodecError, ModelMismatchError
from nvc.pixels import as_rgb_pixels
from nvc.registry import DEFAULT_MODEL, model_entries

DEFAULT_QUALITY = 4


def encode(image: np.ndarray | Image.Image, quality: int = DEFAULT_QUALITY, model: str = DEFAULT_MODEL) -> bytes:
    """Compress an image (uint8 gray, RGB or opaque RGBA) into an nvc stream."""
    pixels, channels = as_rgb_pixels(image)
    return encode_pixels(pixels, quality, model, channels)


def decode(data: bytes) -> np.ndarray:
    """Decompress an nvc stream into (H, W, 3) uint8 RGB pixels; FormatError if it is bad."""
    pixels, _ = decode_stream(bytes(data))
    return pixels


def read_header(data: bytes) -> Header:
    """The header of an nvc stream (model, digest, size, quality) without decoding it."""
    return read_container(bytes(data)).header


__all__ = [
    "CodecError",
    "FormatError",
    "Header",
    "ModelMismatchError",
    "decode",
    "encode",
    "model_entries",
    "read_header",
]
