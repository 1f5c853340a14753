"""Still-image codecs through Pillow: JPEG (4:2:0 and 4:4:4), WebP, AVIF and JPEG 2000."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import PIL
from PIL import Image, features

from kodak_eval.codecs.base import Codec

QUALITY_SWEEP = (1, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95)
# JPEG 2000 is driven by target rate: compression ratios for 24-bit RGB at these bpp*100.
JPEG2000_BPP_X100 = (5, 10, 15, 25, 35, 50, 75, 100, 150, 200)


class PillowCodec(Codec):
    """A codec that Pillow saves and opens; subclasses give the format and save options."""

    pillow_format: str
    feature: str  # Pillow feature/codec name for the version string

    @property
    def identity(self) -> str:
        version = features.version(self.feature) or "?"
        return f"{self.name}; Pillow {PIL.__version__}, {self.feature} {version}"

    def save_options(self, setting: int) -> dict[str, Any]:
        """Keyword arguments for ``Image.save`` at ``setting``."""
        return {"quality": setting}

    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        """Save through Pillow into memory."""
        buffer = io.BytesIO()
        Image.fromarray(rgb, "RGB").save(buffer, format=self.pillow_format, **self.save_options(setting))
        return buffer.getvalue()

    def decode(self, data: bytes, height: int, width: int) -> np.ndarray:
        """Open through Pillow, as RGB."""
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))


class Jpeg420(PillowCodec):
    """Baseline JPEG (libjpeg-turbo), chroma subsampled 4:2:0, optimised Huffman tables."""

    name, label, suffix, settings = "jpeg-420", "JPEG 4:2:0", ".jpg", QUALITY_SWEEP
    pillow_format, feature = "JPEG", "jpg"
    subsampling = 2  # Pillow's code for 4:2:0

    def save_options(self, setting: int) -> dict[str, Any]:
        """Quality, subsampling and optimised Huffman coding."""
        return {"quality": setting, "subsampling": self.subsampling, "optimize": True}


class Jpeg444(Jpeg420):
    """Baseline JPEG without chroma subsampling."""

    name, label = "jpeg-444", "JPEG 4:4:4"
    subsampling = 0


class WebP(PillowCodec):
    """Lossy WebP (libwebp), slowest and best method."""

    name, label, suffix, settings = "webp", "WebP", ".webp", (0, *QUALITY_SWEEP)
    pillow_format, feature = "WEBP", "webp"

    def save_options(self, setting: int) -> dict[str, Any]:
        """Quality with method 6."""
        return {"quality": setting, "method": 6}


class Avif(PillowCodec):
    """AVIF (libavif with its default AV1 encoder), 4:4:4, speed 4."""

    name, label, suffix, settings = "avif", "AVIF 4:4:4", ".avif", QUALITY_SWEEP
    pillow_format, feature = "AVIF", "avif"

    def save_options(self, setting: int) -> dict[str, Any]:
        """Quality, 4:4:4 and a slow (good) speed preset."""
        return {"quality": setting, "subsampling": "4:4:4", "speed": 4}


class Jpeg2000(PillowCodec):
    """JPEG 2000 (OpenJPEG): irreversible 9/7 wavelet with the RGB->YCbCr component transform
    (without ``mct=1`` OpenJPEG codes R, G and B separately, about 7 dB worse), one layer at a
    target compression ratio."""

    name, label, suffix, settings = "jpeg2000", "JPEG 2000", ".jp2", JPEG2000_BPP_X100
    pillow_format, feature = "JPEG2000", "jpg_2000"

    def save_options(self, setting: int) -> dict[str, Any]:
        """Setting is the target bpp times 100, turned into a ratio to 24-bit RGB."""
        return {"quality_mode": "rates", "quality_layers": [2400 / setting], "irreversible": True, "mct": 1}
