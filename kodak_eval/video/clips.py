"""Test clips: 8-bit 4:2:0 YUV4MPEG2 (y4m) files read into planes, and the folder holding them.

A y4m file is one header line (``YUV4MPEG2 W416 H240 F50:1 Ip A1:1 C420jpeg``), then per
frame a ``FRAME`` line and the Y, U and V planes. Only 8-bit 4:2:0 with even sides is
accepted (``C420``, ``C420jpeg``, ``C420mpeg2``, ``C420paldv`` or no C tag).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np

from kodak_eval.errors import EvalError
from kodak_eval.video.yuv import Planes, split_planes, yuv420_to_rgb

SIGNATURE = b"YUV4MPEG2"
FRAME_MARKER = b"FRAME"
SUFFIX = ".y4m"
DEFAULT_FPS = Fraction(25)
CHROMA_TAGS = {"420", "420jpeg", "420mpeg2", "420paldv"}  # 8-bit 4:2:0, whatever the chroma siting


@dataclass
class Clip:
    """A clip's frames as 4:2:0 planes, with the RGB view that nvc codes (made on first use)."""

    name: str  # file stem
    width: int
    height: int
    fps: Fraction
    frames: list[Planes] = field(repr=False)

    @cached_property
    def rgb(self) -> list[np.ndarray]:
        """Every frame as uint8 (H, W, 3) RGB, through ``yuv.yuv420_to_rgb``."""
        return [yuv420_to_rgb(planes) for planes in self.frames]


def _header_fields(line: bytes, path: Path) -> tuple[int, int, Fraction]:
    tokens = line.split()
    if not tokens or tokens[0] != SIGNATURE:
        raise EvalError(f"{path} is not a y4m file")
    tags = {token[:1]: token[1:].decode("ascii", "replace") for token in tokens[1:]}
    chroma = tags.get(b"C", "420")
    if chroma not in CHROMA_TAGS:
        raise EvalError(f"{path}: only 8-bit 4:2:0 clips are supported, not C{chroma}")
    try:
        width, height = int(tags[b"W"]), int(tags[b"H"])
        numerator, denominator = (int(part) for part in tags.get(b"F", "0:0").split(":"))
    except (KeyError, ValueError):
        raise EvalError(f"{path}: malformed y4m header {line!r}") from None
    if width % 2 or height % 2:
        raise EvalError(f"{path}: {width}x{height} has an odd side, which 4:2:0 coding here does not support")
    return width, height, Fraction(numerator, denominator) if numerator and denominator else DEFAULT_FPS


def _read_planes(handle: BinaryIO, width: int, height: int, path: Path) -> Planes | None:
    marker = handle.readline()
    if not marker:
        return None
    frame_bytes = width * height * 3 // 2
    data = handle.read(frame_bytes)
    if not marker.startswith(FRAME_MARKER) or len(data) != frame_bytes:
        raise EvalError(f"{path}: truncated or malformed frame")
    return split_planes(np.frombuffer(data, np.uint8), width, height)


def read_clip(path: Path, limit: int | None = None) -> Clip:
    """The first ``limit`` frames (all when None) of a y4m file; EvalError when unreadable."""
    try:
        with open(path, "rb") as handle:
            width, height, fps = _header_fields(handle.readline(), path)
            frames: list[Planes] = []
            while limit is None or len(frames) < limit:
                planes = _read_planes(handle, width, height, path)
                if planes is None:
                    break
                frames.append(planes)
    except OSError as error:
        raise EvalError(f"cannot read clip {path}: {error}") from None
    if not frames:
        raise EvalError(f"{path} holds no frames")
    return Clip(Path(path).stem, width, height, fps, frames)


def find_clips(folder: Path) -> list[Path]:
    """The .y4m files of ``folder``, sorted by name; EvalError when there are none."""
    if not Path(folder).is_dir():
        raise EvalError(f"clip folder {folder} does not exist (pass --clips DIR)")
    paths = sorted(path for path in Path(folder).iterdir() if path.suffix.lower() == SUFFIX)
    if not paths:
        raise EvalError(f"clip folder {folder} holds no {SUFFIX} clips (pass --clips DIR)")
    return paths
