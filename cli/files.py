"""File handling for the CLI: reading inputs, atomic outputs, '-' for stdin/stdout."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from nvc.errors import CodecError

STDIO = "-"


NEW_FILE_MODE = 0o666  # as open() would create, before the umask

PRIMARY_FRAME_FORMATS = frozenset({"MPO"})  # Pillow formats whose first frame is the picture, the rest extras


class UsageError(ValueError):
    """A problem with the files named on the command line."""


def read_input(name: str) -> bytes:
    """The bytes of a file, or of stdin for '-'."""
    if name == STDIO:
        return sys.stdin.buffer.read()
    path = Path(name)
    if not path.exists():
        raise UsageError(f"no such file: {name}")
    if path.is_dir():
        raise UsageError(f"is a directory, not a file: {name}")
    return path.read_bytes()


def open_image(data: bytes, name: str) -> Image.Image:
    """Decode image file bytes with Pillow; UsageError if it is not an image Pillow reads."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except UnidentifiedImageError:  # Pillow's message names the in-memory buffer, not the file
        raise UsageError(f"cannot read {name}: not a supported image file") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise UsageError(f"cannot read {name}: not a supported image file ({error})") from None
    except Image.DecompressionBombError as error:
        raise CodecError(f"{name}: {error}") from None
    refuse_frames(image, name)
    return image


def refuse_frames(image: Image.Image, name: str) -> None:
    """UsageError for an animation or a multi-page file: nvc codes one still image, and
    keeping only the first frame silently would lose the rest. A camera JPEG that carries
    previews or a stereo pair (MPO) is its first frame, as every viewer shows it."""
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format not in PRIMARY_FRAME_FORMATS:
        raise UsageError(f"cannot compress {name}: it has {frames} frames (an animation or pages) and nvc codes "
                         "one still image; extract the frame you want first")


def image_format_for(name: str) -> str:
    """Pillow's format name for an output path's extension (PNG for stdout)."""
    if name == STDIO:
        return "PNG"
    extension = Path(name).suffix.lower()
    formats = Image.registered_extensions()
    if extension not in formats:
        raise UsageError(f"unsupported output image format '{extension or name}' (use .png, .jpg, .webp, ...)")
    return formats[extension]


def write_output(name: str, data: bytes) -> None:
    """Write bytes to a file atomically (temp file then rename), or to stdout for '-'."""
    if name == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with atomic_output(name) as stream:
        stream.write(data)


def current_umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(name: str) -> Iterator[BinaryIO]:
    """A binary handle on a temporary file beside ``name``, renamed to ``name`` when the
    block succeeds and deleted when it fails, so no partial output is left behind."""
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"output is a directory: {name}")
    if not path.parent.exists():
        raise UsageError(f"output folder does not exist: {path.parent}")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.chmod(temporary, NEW_FILE_MODE & ~current_umask())  # mkstemp makes it owner-only
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def encode_image_file(image: Image.Image, image_format: str, options: dict[str, bytes] | None = None) -> bytes:
    """An image serialised in the given Pillow format, with Pillow's save ``options``
    (e.g. metadata, see ``nvc.metadata.image.save_options``)."""
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **(options or {}))
    return buffer.getvalue()
