"""Video streams: intra and P-frames, round trip, streaming, truncation and corruption."""

from __future__ import annotations

import io
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from bitstream import Chunk, FormatError, read_container, write_container
from bitstream.header import pack_header, unpack_header
from nvc.errors import CodecError, ModelMismatchError
from nvc.image.config import HyperpriorConfig
from nvc.registry import INTER
from nvc.video.chunks import PHDR
from nvc.video.codec import VideoParameters, decode_frames, encode_video, frame_count, is_video_stream, read_video

PARAMETERS = VideoParameters(Fraction(30000, 1001), "bt601", False, intra_period=3)


@pytest.fixture(scope="module")
def tiny_inter(register_network) -> str:
    """A tiny random-weight inter (P-frame residual) model."""
    return register_network("test-inter", HyperpriorConfig(channels=8, latent_channels=12), seed=1, role=INTER)


def clip(count: int = 4) -> list[np.ndarray]:
    rows, cols = np.mgrid[0:24, 0:40]
    return [np.stack([(rows * 6 + 10 * t) % 256, cols * 6, np.full_like(rows, 50 * t)], 2).astype(np.uint8)
            for t in range(count)]


def encoded(model: str, inter: str, frames=None, parameters=PARAMETERS) -> bytes:
    out = io.BytesIO()
    counted = []
    assert encode_video(frames or clip(), out, parameters, 3, model, counted.append, inter) == 4
    assert counted == [1, 2, 3, 4]
    return out.getvalue()


def test_round_trip_keeps_frames_size_and_parameters(tiny_model, tiny_inter):
    data = encoded(tiny_model, tiny_inter)
    assert is_video_stream(io.BytesIO(data))
    header, parameters, frames = read_video(io.BytesIO(data))
    assert (header.width, header.height, header.quality) == (40, 24, 3)
    assert parameters.fps == PARAMETERS.fps and parameters.intra_period == 3 and parameters.inter.model == tiny_inter
    decoded = list(decode_frames(header, frames, parameters))
    assert len(decoded) == 4 and all(frame.shape == (24, 40, 3) for frame in decoded)


@pytest.mark.parametrize("period, types", [(1, "IIII"), (3, "IPPI"), (-1, "IPPP")])
def test_intra_period_sets_the_frame_types(tiny_model, tiny_inter, period, types):
    parameters = VideoParameters(Fraction(25), intra_period=period)
    header, read, frames = read_video(io.BytesIO(encoded(tiny_model, tiny_inter, parameters=parameters)))
    assert "".join("IP"[frame.info.frame_type] for frame in frames) == types
    assert (read.inter is None) == (period == 1)


def test_invalid_intra_period_is_refused():
    with pytest.raises(CodecError, match="intra period 0 is invalid"):
        VideoParameters(Fraction(25), intra_period=0)


def test_p_frames_decode_to_what_the_encoder_predicted_from(tiny_model, tiny_inter, monkeypatch):
    """Encoder and decoder must hold the same reference, or P-frames drift."""
    import nvc.video.codec as video_codec

    reconstructions = []
    encode_inter = video_codec.encode_inter

    def recording(*args):
        chunks, reconstruction = encode_inter(*args)
        reconstructions.append(reconstruction)
        return chunks, reconstruction

    monkeypatch.setattr(video_codec, "encode_inter", recording)
    header, parameters, frames = read_video(io.BytesIO(encoded(tiny_model, tiny_inter)))
    decoded = list(decode_frames(header, frames, parameters))
    assert len(reconstructions) == 2
    assert np.array_equal(decoded[1], reconstructions[0]) and np.array_equal(decoded[2], reconstructions[1])


def test_truncated_stream_gives_its_complete_frames_then_a_clear_error(tiny_model, tiny_inter):
    data = encoded(tiny_model, tiny_inter)
    header, parameters, frames = read_video(io.BytesIO(data[: len(data) * 3 // 5]))
    decoded = []
    with pytest.raises(FormatError, match="damaged stream (at|after) frame [0-9]: stream truncated"):
        for frame in decode_frames(header, frames, parameters):
            decoded.append(frame)
    assert 1 <= len(decoded) < 4


@pytest.mark.parametrize("chunk", [b"YLAT", b"MOTN"])
def test_corrupt_frame_chunk_is_refused(tiny_model, tiny_inter, chunk):
    data = bytearray(encoded(tiny_model, tiny_inter))
    second = data.index(chunk, data.index(b"YLAT") + 1)
    data[second + 6] ^= 0x20
    header, parameters, frames = read_video(io.BytesIO(bytes(data)))
    with pytest.raises(FormatError, match=f"CRC mismatch in chunk {chunk.decode()}"):
        list(decode_frames(header, frames, parameters))


def test_foreign_inter_model_is_refused(tiny_model, tiny_inter, register_network):
    data = encoded(tiny_model, tiny_inter)
    register_network(tiny_inter, HyperpriorConfig(channels=8, latent_channels=12), seed=2, role=INTER)  # other weights
    try:
        header, parameters, frames = read_video(io.BytesIO(data))
        with pytest.raises(ModelMismatchError, match=f"other weights of model '{tiny_inter}'"):
            list(decode_frames(header, frames, parameters))
    finally:
        register_network(tiny_inter, HyperpriorConfig(channels=8, latent_channels=12), seed=1, role=INTER)


@pytest.mark.parametrize("width, height", [(41, 24), (40, 1)])
def test_inter_header_of_another_frame_size_is_refused(tiny_model, tiny_inter, width, height):
    """PHDR repeats HEAD's size: a P-frame of another size cannot be predicted from its reference."""
    container = read_container(encoded(tiny_model, tiny_inter))
    chunks = [Chunk(PHDR, pack_header(replace(unpack_header(chunk.data), width=width, height=height)))
              if chunk.type == PHDR else chunk for chunk in container.chunks]
    with pytest.raises(FormatError, match=f"PHDR frame size {width}x{height} is not HEAD's 40x24"):
        read_video(io.BytesIO(write_container(container.header, chunks)))


def test_frames_over_the_one_piece_limit_are_refused_before_coding(tiny_model, tiny_inter):
    frame = np.broadcast_to(np.zeros((1, 1, 3), np.uint8), (2048, 2049, 3))  # no memory behind it
    with pytest.raises(CodecError, match="video frames too large: .*MAX_TILE_PIXELS"):
        encode_video([frame], io.BytesIO(), PARAMETERS, 3, tiny_model, inter_model=tiny_inter)


def test_frames_must_share_a_size(tiny_model, tiny_inter):
    frames = clip()
    frames[2] = frames[2][:, :30]
    with pytest.raises(Exception, match="frame 3 is 30x24, not 40x24"):
        encoded(tiny_model, tiny_inter, frames)


def test_an_image_stream_is_not_a_video_stream(tiny_model):
    import nvc

    data = nvc.encode(clip()[0], quality=2, model=tiny_model)
    assert not is_video_stream(io.BytesIO(data))
    with pytest.raises(FormatError, match="not a video stream"):
        read_video(io.BytesIO(data))


def test_random_access_starts_at_the_intra_frame_before_and_decodes_the_same_frames(tiny_model, tiny_inter):
    frames = clip(4)
    data = encoded(tiny_model, tiny_inter, frames)  # intra period 3: I P P I
    header, parameters, coded = read_video(io.BytesIO(data))
    everything = list(decode_frames(header, coded, parameters))
    for first in (1, 3):
        header, parameters, coded = read_video(io.BytesIO(data), first_frame=first)
        coded = list(coded)
        assert coded[0].info.index == (0 if first < 3 else 3)  # the intra frame at or before
        decoded = list(decode_frames(header, iter(coded), parameters, first_frame=first))
        assert len(decoded) == 4 - first
        assert all(np.array_equal(a, b) for a, b in zip(decoded, everything[first:]))


def test_random_access_without_an_index_is_a_clear_error(tiny_model, tiny_inter):
    data = encoded(tiny_model, tiny_inter)
    cut = data.replace(b"fidx", b"fidy")  # the index chunk renamed: as if the stream had none
    with pytest.raises(FormatError, match="no index of intra frames"):
        read_video(io.BytesIO(cut), first_frame=2)


def test_frame_count_reads_chunk_headers_of_whole_and_cut_streams(tiny_model, tiny_inter):
    data = encoded(tiny_model, tiny_inter)
    handle = io.BytesIO(data)
    assert frame_count(handle) == 4 and handle.tell() == 0
    third = data.index(b"FRME", data.index(b"FRME", data.index(b"FRME") + 1) + 1)  # the third frame's chunk
    assert frame_count(io.BytesIO(data[:third])) == 2


@pytest.mark.parametrize("first", [4, 99, -1])
def test_random_access_past_the_end_or_before_the_start_is_refused(tiny_model, tiny_inter, first):
    with pytest.raises(CodecError, match="the stream has 4 frames: there is no frame" if first > 0 else "0 or more"):
        read_video(io.BytesIO(encoded(tiny_model, tiny_inter)), first_frame=first)


def test_the_image_decoder_points_video_streams_to_read_video(tiny_model, tiny_inter):
    import nvc

    with pytest.raises(CodecError, match=r"this is a video stream, not an image: decode it with nvc\.video\.codec\.read_video"):
        nvc.decode(encoded(tiny_model, tiny_inter))


def test_models_must_fit_their_roles(tiny_model):
    with pytest.raises(CodecError, match="codes images, not P-frame residuals"):
        encoded(tiny_model, tiny_model)
    with pytest.raises(CodecError, match="codes P-frame residuals of videos, not images"):
        encoded("inter", "inter")
