"""Images as the CLI reads them: saved by Pillow with metadata, then opened again."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def reopened(array: np.ndarray, image_format: str = "PNG", **options) -> Image.Image:
    """``array`` saved in ``image_format`` with Pillow ``options`` (e.g. ``exif``,
    ``icc_profile``), then opened and loaded again."""
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=image_format, **options)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    image.load()
    return image
