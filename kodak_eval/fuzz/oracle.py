"""What a decoder may do with a mutant: decode pixels of its header's size, or raise the
container's own error. Anything else (another exception, pixels of another size) is a
failure; hangs and memory are watched by ``runner``."""

from __future__ import annotations

import io
import warnings

import numpy as np

from kodak_eval.fuzz.corpus import CONCEAL, VIDEO

DECODED, FORMAT_ERROR, MODEL_MISMATCH = "decoded", "format error", "model mismatch"
PASSES = (DECODED, FORMAT_ERROR, MODEL_MISMATCH)


class WrongShape(AssertionError):
    """Decoded pixels that are not (height, width, 3) uint8 of the stream's header."""


def _check(pixels: np.ndarray, height: int, width: int) -> None:
    if pixels.shape != (height, width, 3) or pixels.dtype != np.uint8:
        raise WrongShape(f"decoded {pixels.dtype} {pixels.shape}, header says {height}x{width}")


def _decode_video(data: bytes) -> None:
    from nvc.video.codec import decode_frames, read_video

    header, parameters, frames = read_video(io.BytesIO(data))
    for pixels in decode_frames(header, frames, parameters):
        _check(pixels, header.height, header.width)


def _decode_image(data: bytes, conceal: bool) -> None:
    import nvc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nvc.ConcealedDamage)
        pixels = nvc.decode(data, conceal=conceal)
    header = nvc.read_header(data)
    _check(pixels, header.height, header.width)


def decode_outcome(data: bytes, mode: str) -> str:
    """DECODED, FORMAT_ERROR or MODEL_MISMATCH for a stream decoded as ``mode`` says
    (``corpus.IMAGE``, ``CONCEAL`` or ``VIDEO``); WrongShape, or whatever else the
    decoder raised, propagates."""
    from nvc import FormatError, ModelMismatchError

    try:
        if mode == VIDEO:
            _decode_video(data)
        else:
            _decode_image(data, conceal=mode == CONCEAL)
    except ModelMismatchError:
        return MODEL_MISMATCH
    except FormatError:
        return FORMAT_ERROR
    return DECODED
