"""Turning user images (arrays or PIL images) into the RGB pixels the codec codes, and
pixels into network tensors and back."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
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


def pixels_to_tensor(pixels: np.ndarray, stride: int) -> torch.Tensor:
    """(H, W, 3) uint8 to a (1, 3, H', W') float tensor in [0, 1], edge-padded to multiples of ``stride``."""
    # A copy: pixels may be a read-only view (np.asarray of a PIL image), for which
    # torch.from_numpy prints a UserWarning on stderr.
    x = torch.from_numpy(np.array(pixels, copy=True)).permute(2, 0, 1)[None].float().div(255.0)
    return pad_to_stride(x, stride)


def pad_to_stride(x: torch.Tensor, stride: int) -> torch.Tensor:
    """(1, C, H, W) edge-padded on the right and bottom to multiples of ``stride``."""
    height, width = x.shape[2:]
    return F.pad(x, (0, -width % stride, 0, -height % stride), mode="replicate")


def tensor_to_pixels(x_hat: torch.Tensor, height: int, width: int) -> np.ndarray:
    """A decoded (1, 3, H', W') tensor cropped to (height, width), clamped, as uint8 (H, W, 3)."""
    x_hat = x_hat[0, :, :height, :width].clamp(0, 1)
    return x_hat.mul(255).round().byte().permute(1, 2, 0).contiguous().numpy()
