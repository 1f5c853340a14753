"""Video files in and out, through PyAV (FFmpeg): frames as uint8 RGB arrays.

nvc codes video in RGB, like images. Input frames are converted from the stream's YUV
with the stream's own matrix and range metadata; where a file says nothing (y4m never
does), BT.709 limited range is assumed unless the caller names another matrix. Output:

* ``.y4m``: raw 4:2:0 with the matrix and range of ``VideoInfo`` (a decoded stream's:
  its source's), which y4m itself cannot record;
* ``.mp4``: H.264 (libx264, CRF 12, 4:2:0, same matrix and range, flagged): high quality,
  plays anywhere;
* ``.mkv``: FFV1 in RGB, lossless: the decoded frames exactly;
* a folder (an existing directory or a name ending in ``/``): ``frame_000001.png``, ...

Outputs are written to a temporary name and renamed at the end, so a failure leaves
nothing behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from cli.files import UsageError

# libavutil's AVColorSpace codes -> the matrix names used here
MATRIX_CODES = {1: "bt709", 5: "bt601", 6: "bt601", 9: "bt2020"}
SWSCALE_MATRIX = {"bt709": "ITU709", "bt601": "ITU601", "bt2020": "BT2020"}
DEFAULT_MATRIX = "bt709"
OUTPUT_MATRIX_CODES = {"bt709": 1, "bt601": 6, "bt2020": 9}
FULL_RANGE_CODE, LIMITED_RANGE_CODE = 2, 1  # AVCOL_RANGE_JPEG, AVCOL_RANGE_MPEG
CONTAINER_SUFFIXES = {".y4m", ".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v"}
H264_CRF = "12"


@dataclass(frozen=True)
class VideoInfo:
    """What a video's frames need to be interpreted and written back."""

    width: int
    height: int
    fps: Fraction
    frames: int  # as declared by the file; 0 when unknown
    matrix: str  # "bt709", "bt601" or "bt2020"
    full_range: bool


def is_video_path(name: str) -> bool:
    """True for file names with a video container suffix."""
    return Path(name).suffix.lower() in CONTAINER_SUFFIXES


def probe_video(path: str, matrix: str | None = None) -> VideoInfo:
    """The first video stream's size, rate, frame count and colour handling; UsageError if unreadable."""
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise UsageError(f"no video stream in {path}")
            stream = container.streams.video[0]
            context = stream.codec_context
            fps = stream.average_rate or stream.guessed_rate or Fraction(25)
            found = MATRIX_CODES.get(int(context.colorspace or 2), DEFAULT_MATRIX)
            full = int(context.color_range or 0) == FULL_RANGE_CODE
            return VideoInfo(context.width, context.height, Fraction(fps), int(stream.frames or 0), matrix or found, full)
    except (av.FFmpegError, OSError) as error:
        raise UsageError(f"cannot read video {path}: {error}") from None


def read_frames(path: str, info: VideoInfo, limit: int | None = None) -> Iterator[np.ndarray]:
    """Decode up to ``limit`` frames as uint8 (H, W, 3) RGB, one at a time."""
    source_range = "JPEG" if info.full_range else "MPEG"
    try:
        with av.open(path) as container:
            for count, frame in enumerate(container.decode(video=0)):
                if limit is not None and count >= limit:
                    return
                rgb = frame.reformat(format="rgb24", src_colorspace=SWSCALE_MATRIX[info.matrix],
                                     src_color_range=source_range)
                yield rgb.to_ndarray()
    except av.FFmpegError as error:
        raise UsageError(f"cannot decode video {path}: {error}") from None


# output suffix -> (FFmpeg muxer, encoder, pixel format, encoder options)
OUTPUT_FORMATS = {
    ".y4m": ("yuv4mpegpipe", "rawvideo", "yuv420p", {}),
    ".mp4": ("mp4", "libx264", "yuv420p", {"crf": H264_CRF, "preset": "medium"}),
    ".mkv": ("matroska", "ffv1", "bgr0", {}),
}
SUBSAMPLED = "yuv420p"


def _even(rgb: np.ndarray) -> np.ndarray:
    return np.pad(rgb, ((0, rgb.shape[0] % 2), (0, rgb.shape[1] % 2), (0, 0)), mode="edge")


def _output_frame(rgb: np.ndarray, pixel_format: str, info: VideoInfo) -> av.VideoFrame:
    """An RGB frame in the output's pixel format (4:2:0: ``info``'s matrix and range, even sides)."""
    if pixel_format == SUBSAMPLED:
        rgb = _even(rgb)
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    if pixel_format == SUBSAMPLED:
        return frame.reformat(format=pixel_format, dst_colorspace=SWSCALE_MATRIX[info.matrix],
                              dst_color_range="JPEG" if info.full_range else "MPEG")
    return frame.reformat(format=pixel_format)


def _write_container(path: Path, frames: Iterable[np.ndarray], info: VideoInfo) -> None:
    muxer, encoder, pixel_format, options = OUTPUT_FORMATS[path.suffix.lower()]
    even = pixel_format == SUBSAMPLED
    with av.open(str(path), "w", format=muxer) as out:
        stream = out.add_stream(encoder, rate=info.fps)
        stream.width = info.width + (info.width % 2 if even else 0)
        stream.height = info.height + (info.height % 2 if even else 0)
        stream.pix_fmt = pixel_format
        stream.options = options
        if even:
            stream.codec_context.colorspace = OUTPUT_MATRIX_CODES[info.matrix]
            stream.codec_context.color_range = FULL_RANGE_CODE if info.full_range else LIMITED_RANGE_CODE
        for rgb in frames:
            out.mux(stream.encode(_output_frame(rgb, pixel_format, info)))
        out.mux(stream.encode(None))


def write_video(name: str, frames: Iterable[np.ndarray], info: VideoInfo) -> None:
    """Write RGB frames to a y4m, mp4 or mkv file, or a folder of PNGs, atomically."""
    path = Path(name)
    as_folder = name.endswith(("/", os.sep)) or path.is_dir()
    if not as_folder and path.suffix.lower() not in OUTPUT_FORMATS:
        raise UsageError(f"unsupported video output {name}: use .y4m, .mp4, .mkv or a folder/")
    parent = path.parent
    if not parent.exists():
        raise UsageError(f"output folder does not exist: {parent}")
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{path.name}.", suffix=".part"))
    try:
        if as_folder:
            for index, rgb in enumerate(frames, start=1):
                Image.fromarray(rgb).save(staging / f"frame_{index:06d}.png")
            if path.is_dir():
                shutil.rmtree(path)
            os.replace(staging, path)
        else:
            _write_container(staging / path.name, frames, info)
            os.replace(staging / path.name, path)
            staging.rmdir()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
