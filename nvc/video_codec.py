"""Video coding, version 0: every frame is an intra frame coded with the image codec.

Stream layout (docs/FORMAT.md): HEAD (the frames' model, size and quality), ``VHDR``
(frame rate, intra period, colour matrix and range of the source), then per frame an
``FRME`` chunk (type, index, timestamp) followed by that frame's image chunks, then an
``fidx`` chunk (byte offset of every intra frame, for random access) and DONE. Encoding
and decoding stream frame by frame, so memory does not grow with the video's length.
Inter (P) frames are not implemented yet: the intra period is 1.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from typing import BinaryIO

import numpy as np

from bitstream import FIDX, FRME, VHDR, Chunk, Container, FormatError, Header, StreamWriter, read_stream
from nvc.codec import decode_container, image_chunks, image_header
from nvc.errors import CodecError

_VIDEO_HEADER = struct.Struct(">IIiBB")  # fps numerator, denominator, intra period, matrix, full range
_FRAME_HEADER = struct.Struct(">BIQ")  # frame type, index, timestamp (in frame periods)
_INDEX_ENTRY = struct.Struct(">IQ")  # frame index, byte offset of its FRME chunk
MATRICES = ("bt709", "bt601", "bt2020")
INTRA = 0
INTRA_PERIOD = 1  # every frame intra, until inter frames exist


@dataclass(frozen=True)
class VideoParameters:
    """Stream-level facts of a video: frame rate and the source's colour handling."""

    fps: Fraction
    matrix: str = "bt709"
    full_range: bool = False
    intra_period: int = INTRA_PERIOD


@dataclass(frozen=True)
class FrameInfo:
    """One frame's FRME fields."""

    frame_type: int
    index: int
    timestamp: int


def pack_parameters(parameters: VideoParameters) -> bytes:
    """VHDR chunk data."""
    return _VIDEO_HEADER.pack(parameters.fps.numerator, parameters.fps.denominator, parameters.intra_period,
                              MATRICES.index(parameters.matrix), int(parameters.full_range))


def unpack_parameters(data: bytes) -> VideoParameters:
    """Parse VHDR chunk data; FormatError if malformed."""
    if len(data) != _VIDEO_HEADER.size:
        raise FormatError(f"VHDR chunk has {len(data)} bytes, expected {_VIDEO_HEADER.size}")
    numerator, denominator, period, matrix, full = _VIDEO_HEADER.unpack(data)
    if not numerator or not denominator or matrix >= len(MATRICES) or full > 1:
        raise FormatError("invalid VHDR chunk")
    return VideoParameters(Fraction(numerator, denominator), MATRICES[matrix], bool(full), period)


def encode_video(frames: Iterable[np.ndarray], handle: BinaryIO, parameters: VideoParameters, quality: int,
                 model: str, on_frame: Callable[[int], None] = lambda count: None) -> int:
    """Code RGB frames into a stream written to ``handle``; returns the number of frames."""
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise CodecError("the video has no frames")
    header = image_header(first, quality, model)
    writer = StreamWriter(handle, header)
    writer.write(Chunk(VHDR, pack_parameters(parameters)))
    offsets = []
    count = 0
    for count, frame in enumerate(chain([first], frames), start=1):
        if frame.shape != first.shape:
            raise CodecError(f"frame {count} is {frame.shape[1]}x{frame.shape[0]}, not {header.width}x{header.height}")
        offsets.append(_INDEX_ENTRY.pack(count - 1, writer.write(Chunk(FRME, _FRAME_HEADER.pack(INTRA, count - 1, count - 1)))))
        for chunk in image_chunks(frame, quality, model):
            writer.write(chunk)
        on_frame(count)
    writer.write(Chunk(FIDX, b"".join(offsets)))
    writer.finish()
    return count


def _frame_info(data: bytes) -> FrameInfo:
    if len(data) != _FRAME_HEADER.size:
        raise FormatError(f"FRME chunk has {len(data)} bytes, expected {_FRAME_HEADER.size}")
    info = FrameInfo(*_FRAME_HEADER.unpack(data))
    if info.frame_type != INTRA:
        raise FormatError(f"frame {info.index} has type {info.frame_type}, which this decoder does not know")
    return info


@dataclass(frozen=True)
class CodedFrame:
    """One frame's chunks as read; ``damage`` is the error that cut the stream short right
    after them (the frame may still be complete), else None."""

    info: FrameInfo
    chunks: list[Chunk]
    damage: FormatError | None = None


def read_video(handle: BinaryIO) -> tuple[Header, VideoParameters, Iterator[CodedFrame]]:
    """The header and parameters of a video stream, and an iterator over its coded frames,
    read one at a time. FormatError if it is not a video stream; damage later on ends the
    iteration with a frame that carries it (see ``decode_frames``)."""
    header, chunks = read_stream(handle)
    first = next(chunks, None)
    if first is None or first.type != VHDR:
        raise FormatError("not a video stream (no VHDR chunk after HEAD)")
    parameters = unpack_parameters(first.data)

    def frames() -> Iterator[CodedFrame]:
        current: FrameInfo | None = None
        pending: list[Chunk] = []
        try:
            for chunk in chunks:
                if chunk.type == FIDX:
                    continue
                if chunk.type == FRME:
                    if current is not None:
                        yield CodedFrame(current, pending)
                    current, pending = _frame_info(chunk.data), []
                elif current is None:
                    raise FormatError(f"{chunk.name} chunk before the first FRME chunk")
                else:
                    pending.append(chunk)
        except FormatError as error:
            if current is None:
                raise
            yield CodedFrame(current, pending, error)
            return
        if current is not None:
            yield CodedFrame(current, pending)

    return header, parameters, frames()


def decode_frames(header: Header, frames: Iterator[CodedFrame]) -> Iterator[np.ndarray]:
    """Decode frames one at a time as uint8 (H, W, 3) RGB. A damaged stream yields every
    complete frame before the damage, then raises FormatError saying where it stopped."""
    for frame in frames:
        try:
            pixels = decode_container(Container(header, frame.chunks)).pixels
        except FormatError as error:
            cause = frame.damage or error
            raise FormatError(f"damaged stream at frame {frame.info.index}: {cause}") from cause
        yield pixels
        if frame.damage is not None:
            raise FormatError(f"damaged stream after frame {frame.info.index}: {frame.damage}")


def is_video_stream(handle: BinaryIO) -> bool:
    """True when the stream at ``handle`` (seekable, at its start) is a video stream; rewinds."""
    start = handle.tell()
    try:
        _, chunks = read_stream(handle)
        first = next(chunks, None)
        return first is not None and first.type == VHDR
    except FormatError:
        return False
    finally:
        handle.seek(start)
