"""Video coding: intra frames with the image codec, P-frames with the inter codec.

Stream layout (docs/FORMAT.md): HEAD (the intra frames' model, size and quality), ``VHDR``
(frame rate, intra period, colour matrix and range of the source), ``PHDR`` (the inter
model, when there are P-frames), then per frame an ``FRME`` chunk (type, index,
timestamp) followed by that frame's chunks, then an ``fidx`` chunk (byte offset of every
intra frame, for random access) and DONE. Frame 0 and every ``intra_period``-th frame
after it are intra frames (period -1: only frame 0); each P-frame is predicted from the
decoded frame before it (low delay), so an intra frame stops any error from spreading.
Encoding and decoding stream frame by frame: memory does not grow with the video's length.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import chain
from typing import BinaryIO

import numpy as np

from bitstream import Chunk, Container, FormatError, Header, StreamWriter, count_chunks, find_chunk, read_stream
from bitstream.header import pack_header, unpack_header
from nvc.coding import decode_container, entry_for_header, image_chunks, image_header
from nvc.errors import CodecError
from nvc.tiles.grid import size_problem
from nvc.video.chunks import FIDX, FRME, PHDR, VHDR
from nvc.video.inter_codec import DEFAULT_INTER_MODEL, decode_inter, encode_inter, inter_header

_VIDEO_HEADER = struct.Struct(">IIiBB")  # fps numerator, denominator, intra period, matrix, full range
_FRAME_HEADER = struct.Struct(">BIQ")  # frame type, index, timestamp (in frame periods)
_INDEX_ENTRY = struct.Struct(">IQ")  # frame index, byte offset of its FRME chunk
MATRICES = ("bt709", "bt601", "bt2020")
INTRA, PREDICTED = 0, 1
INTRA_PERIOD = 32
ONLY_FIRST_INTRA = -1


def is_valid_intra_period(period: int) -> bool:
    """1 or more (an intra frame every ``period`` frames), or ONLY_FIRST_INTRA."""
    return period >= 1 or period == ONLY_FIRST_INTRA


@dataclass(frozen=True)
class VideoParameters:
    """Stream-level facts of a video: frame rate and the source's colour handling."""

    fps: Fraction
    matrix: str = "bt709"
    full_range: bool = False
    intra_period: int = INTRA_PERIOD  # 1: all intra; ONLY_FIRST_INTRA: one intra frame
    inter: Header | None = None  # the PHDR record of a stream with P-frames, as read

    def __post_init__(self):
        if not is_valid_intra_period(self.intra_period):
            raise CodecError(f"intra period {self.intra_period} is invalid (1 or more, or -1 for a single intra frame)")

    def is_intra(self, index: int) -> bool:
        """Whether frame ``index`` (0-based) is an intra frame."""
        return index == 0 or (self.intra_period != ONLY_FIRST_INTRA and index % self.intra_period == 0)


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
    if not numerator or not denominator or matrix >= len(MATRICES) or full > 1 or not is_valid_intra_period(period):
        raise FormatError("invalid VHDR chunk")
    return VideoParameters(Fraction(numerator, denominator), MATRICES[matrix], bool(full), period)


def encode_video(frames: Iterable[np.ndarray], handle: BinaryIO, parameters: VideoParameters, quality: int,
                 model: str, on_frame: Callable[[int], None] = lambda count: None,
                 inter_model: str = DEFAULT_INTER_MODEL) -> int:
    """Code RGB frames into a stream written to ``handle``; returns the number of frames.
    Intra frames use ``model``, P-frames ``inter_model``, both at ``quality``."""
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise CodecError("the video has no frames")
    header = image_header(first, quality, model)
    problem = size_problem(header.width, header.height, tiled=False)
    if problem:
        raise CodecError(f"video frames too large: {problem}")
    writer = StreamWriter(handle, header)
    writer.write(Chunk(VHDR, pack_parameters(parameters)))
    predicted = inter_header(header, inter_model) if parameters.intra_period != 1 else None
    if predicted is not None:
        writer.write(Chunk(PHDR, pack_header(predicted)))
    offsets, reference = [], None
    count = 0
    for count, frame in enumerate(chain([first], frames), start=1):
        index = count - 1
        if frame.shape != first.shape:
            raise CodecError(f"frame {count} is {frame.shape[1]}x{frame.shape[0]}, not {header.width}x{header.height}")
        if parameters.is_intra(index):
            chunks = image_chunks(frame, quality, model)
            offsets.append(_INDEX_ENTRY.pack(index, writer.write(Chunk(FRME, _FRAME_HEADER.pack(INTRA, index, index)))))
            reference = decode_container(Container(header, chunks)).pixels if predicted is not None else None
        else:
            chunks, reference = encode_inter(frame, reference, predicted)
            writer.write(Chunk(FRME, _FRAME_HEADER.pack(PREDICTED, index, index)))
        for chunk in chunks:
            writer.write(chunk)
        on_frame(count)
    writer.write(Chunk(FIDX, b"".join(offsets)))
    writer.finish()
    return count


def _frame_info(data: bytes) -> FrameInfo:
    if len(data) != _FRAME_HEADER.size:
        raise FormatError(f"FRME chunk has {len(data)} bytes, expected {_FRAME_HEADER.size}")
    info = FrameInfo(*_FRAME_HEADER.unpack(data))
    if info.frame_type not in (INTRA, PREDICTED):
        raise FormatError(f"frame {info.index} has type {info.frame_type}, which this decoder does not know")
    return info


@dataclass(frozen=True)
class CodedFrame:
    """One frame's chunks as read; ``damage`` is the error that cut the stream short right
    after them (the frame may still be complete), else None."""

    info: FrameInfo
    chunks: list[Chunk]
    damage: FormatError | None = None


def random_access_points(handle: BinaryIO) -> dict[int, int]:
    """Frame index -> byte offset (from the stream's start) of every intra frame, read from
    the ``fidx`` chunk of the stream at ``handle`` (seekable, at the stream's start, and left
    there); FormatError if there is no such index or it is malformed."""
    chunk = find_chunk(handle, FIDX)
    if chunk is None:
        raise FormatError("the stream has no index of intra frames (fidx chunk)")
    if len(chunk.data) % _INDEX_ENTRY.size:
        raise FormatError(f"fidx chunk has {len(chunk.data)} bytes, not a multiple of {_INDEX_ENTRY.size}")
    return dict(_INDEX_ENTRY.iter_unpack(chunk.data))


def frame_count(handle: BinaryIO) -> int:
    """The number of frames in the video stream at ``handle`` (seekable, at the stream's
    start, and left there), from chunk headers alone: a truncated stream counts the
    frames whose FRME chunk is there."""
    return count_chunks(handle, FRME)


def _inter_header(header: Header, data: bytes) -> Header:
    """The PHDR record of a stream with HEAD ``header``; FormatError if it is malformed or
    its frame size is not HEAD's."""
    inter = unpack_header(data)
    if (inter.width, inter.height) != (header.width, header.height):
        raise FormatError(f"PHDR frame size {inter.width}x{inter.height} is not HEAD's {header.width}x{header.height}")
    return inter


def read_video(handle: BinaryIO, first_frame: int = 0) -> tuple[Header, VideoParameters, Iterator[CodedFrame]]:
    """The header and parameters of a video stream, and an iterator over its coded frames,
    read one at a time. FormatError if it is not a video stream; damage later on ends the
    iteration with a frame that carries it (see ``decode_frames``). With ``first_frame``
    (a seekable handle), the frames start at the last intra frame at or before it, found
    through the stream's index: random access without reading what comes before;
    CodecError if the stream has no frame ``first_frame``."""
    if first_frame < 0:
        raise CodecError(f"first_frame must be 0 or more, not {first_frame}")
    start = handle.tell()
    header, chunks = read_stream(handle)
    first = next(chunks, None)
    if first is None or first.type != VHDR:
        raise FormatError("not a video stream (no VHDR chunk after HEAD)")
    parameters = unpack_parameters(first.data)
    if parameters.intra_period != 1:
        second = next(chunks, None)
        if second is None or second.type != PHDR:
            raise FormatError("video stream with P-frames has no PHDR chunk after VHDR")
        parameters = replace(parameters, inter=_inter_header(header, second.data))
    if first_frame:
        handle.seek(start)
        count = frame_count(handle)
        if first_frame >= count:
            raise CodecError(f"the stream has {count} frames: there is no frame {first_frame} (frames count from 0)")
        starts = [(index, offset) for index, offset in random_access_points(handle).items() if index <= first_frame]
        if not starts:
            raise FormatError(f"no intra frame at or before frame {first_frame} in the stream's index")
        handle.seek(start + max(starts)[1])  # the chunk iterator reads on from here

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


def decode_frames(header: Header, frames: Iterator[CodedFrame], parameters: VideoParameters,
                  first_frame: int = 0) -> Iterator[np.ndarray]:
    """Decode frames one at a time as uint8 (H, W, 3) RGB, with the header and parameters
    ``read_video`` returned; frames before ``first_frame`` are decoded (as references) but
    not yielded. A damaged stream yields every complete frame before the damage, then
    raises FormatError saying where it stopped; ModelMismatchError (before any frame) when
    a model the stream names is not installed with the same weights."""
    for record in filter(None, (header, parameters.inter)):
        entry_for_header(record)
    reference = None
    for frame in frames:
        try:
            reference = _decode_frame(header, frame, reference, parameters)
        except FormatError as error:
            cause = frame.damage or error
            raise FormatError(f"damaged stream at frame {frame.info.index}: {cause}") from cause
        if frame.info.index >= first_frame:
            yield reference
        if frame.damage is not None:
            raise FormatError(f"damaged stream after frame {frame.info.index}: {frame.damage}")


def _decode_frame(header: Header, frame: CodedFrame, reference: np.ndarray | None,
                  parameters: VideoParameters) -> np.ndarray:
    if frame.info.frame_type == INTRA:
        return decode_container(Container(header, frame.chunks)).pixels
    if reference is None:
        raise FormatError("P-frame without a decoded frame before it")
    if parameters.inter is None:
        raise FormatError("P-frame in a stream without an inter model (PHDR)")
    return decode_inter(frame.chunks, reference, parameters.inter)


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
