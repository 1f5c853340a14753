"""Video streams (all-intra v0): round trip, streaming, truncation and corruption."""

from __future__ import annotations

import io
from fractions import Fraction

import numpy as np
import pytest

from bitstream import FormatError
from nvc.video_codec import VideoParameters, decode_frames, encode_video, is_video_stream, read_video

PARAMETERS = VideoParameters(Fraction(30000, 1001), "bt601", False)


def clip(count: int = 4) -> list[np.ndarray]:
    rows, cols = np.mgrid[0:24, 0:40]
    return [np.stack([(rows * 6 + 10 * t) % 256, cols * 6, np.full_like(rows, 50 * t)], 2).astype(np.uint8)
            for t in range(count)]


def encoded(model: str, frames=None) -> bytes:
    out = io.BytesIO()
    counted = []
    assert encode_video(frames or clip(), out, PARAMETERS, 3, model, counted.append) == 4
    assert counted == [1, 2, 3, 4]
    return out.getvalue()


def test_round_trip_keeps_frames_size_and_parameters(tiny_model):
    data = encoded(tiny_model)
    assert is_video_stream(io.BytesIO(data))
    header, parameters, frames = read_video(io.BytesIO(data))
    assert parameters == PARAMETERS and (header.width, header.height, header.quality) == (40, 24, 3)
    decoded = list(decode_frames(header, frames))
    assert len(decoded) == 4 and all(frame.shape == (24, 40, 3) for frame in decoded)


def test_truncated_stream_gives_its_complete_frames_then_a_clear_error(tiny_model):
    data = encoded(tiny_model)
    header, _, frames = read_video(io.BytesIO(data[: len(data) * 3 // 5]))
    decoded = []
    with pytest.raises(FormatError, match="damaged stream (at|after) frame [0-9]: stream truncated"):
        for frame in decode_frames(header, frames):
            decoded.append(frame)
    assert 1 <= len(decoded) < 4


def test_corrupt_frame_chunk_is_refused(tiny_model):
    data = bytearray(encoded(tiny_model))
    second = data.index(b"YLAT", data.index(b"YLAT") + 1)
    data[second + 6] ^= 0x20
    header, _, frames = read_video(io.BytesIO(bytes(data)))
    with pytest.raises(FormatError, match="CRC mismatch in chunk YLAT"):
        list(decode_frames(header, frames))


def test_frames_must_share_a_size(tiny_model):
    frames = clip()
    frames[2] = frames[2][:, :30]
    with pytest.raises(Exception, match="frame 3 is 30x24, not 40x24"):
        encoded(tiny_model, frames)


def test_an_image_stream_is_not_a_video_stream(tiny_model):
    import nvc

    data = nvc.encode(clip()[0], quality=2, model=tiny_model)
    assert not is_video_stream(io.BytesIO(data))
    with pytest.raises(FormatError, match="not a video stream"):
        read_video(io.BytesIO(data))
