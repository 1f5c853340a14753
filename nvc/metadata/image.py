"""Metadata and PIL images: turning an image upright by its EXIF orientation, taking its
EXIF data and ICC profile, and the Pillow options that write them into an output file.

The encoder applies the orientation instead of recording it: the pixels are then stored
the way the picture is shown, so ``nvc.decode``, outputs that cannot hold EXIF and
``--strip`` all give the picture the right way up; the kept EXIF has no orientation tag.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from nvc.metadata.chunks import JPEG_EXIF_PREFIX, TIFF_SIGNATURES, Metadata

ORIENTATION = 0x0112
"""The EXIF orientation tag; 1 (or no tag) means the pixels are stored upright."""

UPRIGHT = 1

PROFILE_SPACES = {1: b"GRAY", 3: b"RGB "}
"""The ICC colour space (bytes 16-19 of a profile's header) that describes what nvc codes,
by channel count: a profile of another space (e.g. a CMYK JPEG's) is not kept."""

ICC_SPACE = slice(16, 20)

METADATA_FORMATS = frozenset({"PNG", "JPEG", "WEBP", "AVIF"})
"""The output formats (Pillow's names) into which Pillow writes EXIF and ICC profiles."""

JPEG_MAX_EXIF = 65533
"""The most EXIF bytes (prefix included) one JPEG APP1 segment holds."""

NAMES = {"exif": "EXIF", "icc_profile": "ICC profile"}


def upright(image: np.ndarray | Image.Image) -> np.ndarray | Image.Image:
    """A PIL image turned the way its EXIF orientation (2-8) says it is shown, that tag
    removed from its EXIF (and the EXIF dropped if nothing else is left); an upright image
    or an array as it is."""
    if not isinstance(image, Image.Image) or image.getexif().get(ORIENTATION, UPRIGHT) == UPRIGHT:
        return image
    turned = ImageOps.exif_transpose(image)
    if not turned.getexif():
        turned.info.pop("exif", None)
    return turned


def metadata_of(image: np.ndarray | Image.Image, channels: int) -> Metadata:
    """The EXIF data and ICC profile of a PIL image coded with ``channels`` (1 gray, 3
    colour); none of an array. EXIF is kept only when it is a TIFF structure, and the
    profile only when it describes those channels (see PROFILE_SPACES)."""
    if not isinstance(image, Image.Image):
        return Metadata()
    exif = (image.info.get("exif") or b"").removeprefix(JPEG_EXIF_PREFIX)
    profile = image.info.get("icc_profile") or b""
    return Metadata(
        exif if exif.startswith(TIFF_SIGNATURES) else None,
        profile if profile[ICC_SPACE] == PROFILE_SPACES[channels] else None,
    )


def save_options(metadata: Metadata, image_format: str) -> tuple[dict[str, bytes], list[str]]:
    """Pillow ``save`` options that write ``metadata`` into an ``image_format`` file, and
    the names of what that format cannot hold ("EXIF", "ICC profile")."""
    options = metadata.pillow_options() if image_format in METADATA_FORMATS else {}
    if image_format == "JPEG" and len(options.get("exif", b"")) > JPEG_MAX_EXIF:
        del options["exif"]
    dropped = [name for key, name in NAMES.items() if getattr(metadata, key) is not None and key not in options]
    return options, dropped
