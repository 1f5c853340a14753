"""nvc: a learned image codec. ``nvc.encode`` / ``nvc.decode`` are the whole library API.

>>> data = nvc.encode(pixels, quality=4)   # (H, W, 3) uint8 array or PIL image -> bytes
>>> pixels = nvc.decode(data)              # bytes -> (H, W, 3) uint8 array
>>> metadata = nvc.read_metadata(data)     # the source's EXIF and ICC profile
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from PIL import Image

from bitstream import FormatError, Header, read_container
from nvc.coding import decode_stream, encode_pixels
from nvc.family import EncodeOptions
from nvc.errors import CodecError, ConcealedDamage, ModelMismatchError
from nvc.metadata.chunks import Metadata, pack_metadata, read_metadata
from nvc.metadata.image import metadata_of, upright
from nvc.pixels import as_rgb_pixels
from nvc.registry import DEFAULT_MODEL, model_entries

DEFAULT_QUALITY = 4


def encode(image: np.ndarray | Image.Image, quality: int = DEFAULT_QUALITY, model: str = DEFAULT_MODEL,
           effort: str | None = None, progress: Callable[[float], None] | None = None, strip: bool = False) -> bytes:
    """Compress an image (uint8 gray, RGB or opaque RGBA) into an nvc stream.

    A PIL image is first turned upright by its EXIF orientation; its EXIF data (orientation
    removed) and ICC profile are kept in the stream (``read_metadata``) unless ``strip``.
    Of a multi-frame image (animation, pages), the current frame is coded.
    ``effort`` ("fast", "normal", "slow") applies to models whose encoder searches: how long
    the overfitted family fits, how many steps the hyperprior family refines its latents;
    ``progress`` is told the fraction done while such an encoder runs,
    or while the tiles of a big image are coded (docs/FORMAT.md, section 7e).
    """
    image = upright(image)
    pixels, channels = as_rgb_pixels(image)
    metadata = Metadata() if strip else metadata_of(image, channels)
    return encode_pixels(pixels, quality, model, channels, EncodeOptions(effort, progress),
                         ancillary=pack_metadata(metadata))


def decode(data: bytes, conceal: bool = False, progress: Callable[[float], None] | None = None) -> np.ndarray:
    """Decompress an nvc stream into (H, W, 3) uint8 RGB pixels; FormatError if it is bad.

    With ``conceal``, damage a model can conceal (lost index bands of VQ streams) is filled
    in from its prior, and a ``ConcealedDamage`` warning says what was filled in.
    ``progress`` is told the fraction of a big image's tiles decoded.
    """
    decoded = decode_stream(bytes(data), conceal, progress)
    for note in decoded.concealed:
        warnings.warn(note, ConcealedDamage, stacklevel=2)
    return decoded.pixels


def read_header(data: bytes) -> Header:
    """The header of an nvc stream (model, digest, size, quality) without decoding it."""
    return read_container(bytes(data)).header


__all__ = [
    "CodecError",
    "ConcealedDamage",
    "FormatError",
    "Header",
    "Metadata",
    "ModelMismatchError",
    "decode",
    "encode",
    "model_entries",
    "read_header",
    "read_metadata",
]
