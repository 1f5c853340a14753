"""Turning user images (arrays or PIL images) into the RGB pixels the codec codes, and
decoded pixels back into images. Torch-free: the tensor side is ``nvc.tensors``."""

from __future__ import annotations

import numpy as np
from PIL import Image

from nvc.errors import CodecError

OPAQUE = 255


def _drop_opaque_alpha(array: np.ndarray) -> np.ndarray:
    if np.any(array[..., -1] != OPAQUE):
        raise CodecError("images with transparency are not supported (the alpha channel would be lost)")
    return array[..., :-1]


def as_rgb_pixels(image: np.ndarray | Image.Image) -> tuple[np.ndarray, int]:
    """(H, W, 3) uint8 pixels and the source channel count (1 gray, 3 colour).

    Gray images are coded as RGB and restored as gray; RGBA or LA images are accepted
    only when fully opaque; anything else raises CodecError.
    """
    if isinstance(image, Image.Image):
        if image.mode in ("P", "PA"):
            image = image.convert("RGBA")
        elif image.mode == "CMYK" or image.mode == "YCbCr":
            image = image.convert("RGB")
        elif image.mode not in ("L", "LA", "RGB", "RGBA"):
            raise CodecError(f"unsupported image mode '{image.mode}' (8-bit gray, RGB or opaque RGBA only)")
        image = np.asarray(image)
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise CodecError(f"pixels must be uint8, got {array.dtype}")
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[2] not in (1, 2, 3, 4):
        raise CodecError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {array.shape}")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise CodecError("image is empty")
    if array.shape[2] in (2, 4):
        array = _drop_opaque_alpha(array)
    channels = array.shape[2]
    if channels == 1:
        array = np.repeat(array, 3, axis=2)
    return np.ascontiguousarray(array), channels


def to_image(pixels: np.ndarray, channels: int) -> Image.Image:
    """Decoded (H, W, 3) pixels as a PIL image, gray when the source was gray."""
    image = Image.fromarray(pixels, "RGB")
    return image.convert("L") if channels == 1 else image

