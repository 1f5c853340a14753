"""Coding images in tiles with any family: round trips, seams, progress, concealment, and
the size limits a decoder checks before it reserves memory."""

from __future__ import annotations

import numpy as np
import pytest

from bitstream import Chunk, FormatError, Header, read_container, write_container
import nvc
from nvc import registry
from nvc.coding import decode_stream, describe_stream, encode_pixels
from nvc.errors import CodecError
from nvc.family import EncodeOptions
from nvc.registry import get_model_entry
from nvc.tiles.chunks import TILE
from nvc.tiles.grid import MAX_PIXELS, Tile, pack_tile, plan_tiles
from nvc.vq.config import VQConfig

SMALL_TILES = plan_tiles(160, 96, 64, 16)  # 3 columns x 2 rows of at most 80x80


def smooth(height: int, width: int) -> np.ndarray:
    """A smooth colourful image with a little noise, which a trained model codes well."""
    rows, cols = np.mgrid[0:height, 0:width].astype(float)
    base = np.stack([128 + 60 * np.sin(rows / 23 + cols / 37), 128 + 50 * np.cos(cols / 19 - rows / 51),
                     100 + 0.3 * (rows + cols)], axis=2)
    return np.clip(base + np.random.default_rng(0).normal(0, 3, base.shape), 0, 255).astype(np.uint8)


def test_tiled_stream_has_a_tile_chunk_before_each_tiles_chunks(loud_model, textured_image):
    data = encode_pixels(textured_image, 5, loud_model, tiles=SMALL_TILES)
    types = [chunk.type for chunk in read_container(data).chunks]
    assert types == [TILE, b"ZLAT", b"YLAT"] * len(SMALL_TILES)
    assert decode_stream(data).pixels.shape == textured_image.shape


def test_small_images_have_no_tile_chunk(loud_model, textured_image):
    data = encode_pixels(textured_image, 5, loud_model)
    assert TILE not in [chunk.type for chunk in read_container(data).chunks]


def test_each_tile_decodes_as_the_image_of_its_own(loud_model, textured_image):
    """Outside overlaps, the tiled image's pixels are exactly its tiles' decoded pixels."""
    decoded = decode_stream(encode_pixels(textured_image, 5, loud_model, tiles=SMALL_TILES)).pixels
    first = SMALL_TILES[0]
    alone = decode_stream(encode_pixels(np.ascontiguousarray(textured_image[first.region]), 5, loud_model)).pixels
    assert np.array_equal(decoded[:64, :64], alone[:64, :64])


def seam(decoded: np.ndarray, original: np.ndarray) -> float:
    """The largest mean step between two neighbouring rows, or columns, beyond the original's."""
    steps = []
    for axis in (0, 1):
        excess = np.abs(np.diff(decoded.astype(float), axis=axis)) - np.abs(np.diff(original.astype(float), axis=axis))
        steps.append(excess.mean(axis=(1 - axis, 2)).max())  # per row (or column) boundary
    return max(steps)


def test_blended_tiles_show_no_seam_where_abutting_tiles_do():
    """With the default model: tiles that overlap and blend are as smooth across their
    borders as the image coded whole; tiles that only touch show a step there."""
    image = smooth(192, 320)
    whole = decode_stream(encode_pixels(image, 4, "checkerboard")).pixels
    blended = decode_stream(encode_pixels(image, 4, "checkerboard", tiles=plan_tiles(320, 192, 128, 32))).pixels
    abutting = decode_stream(encode_pixels(image, 4, "checkerboard", tiles=plan_tiles(320, 192, 128, 0))).pixels
    assert seam(blended, image) < seam(whole, image) + 0.5
    assert seam(abutting, image) > seam(whole, image) + 2


def test_progress_counts_the_tiles(loud_model, textured_image):
    encoded, decoded = [], []
    data = encode_pixels(textured_image, 5, loud_model, options=EncodeOptions(progress=encoded.append),
                         tiles=SMALL_TILES)
    nvc.decode(data, progress=decoded.append)
    steps = [(index + 1) / len(SMALL_TILES) for index in range(len(SMALL_TILES))]
    assert encoded == steps
    assert decoded == steps


def test_info_describes_the_tiles_instead_of_the_family(loud_model, textured_image):
    data = encode_pixels(textured_image, 5, loud_model, tiles=SMALL_TILES)
    container = read_container(data)
    assert describe_stream(get_model_entry(loud_model), container) == [("tiles", "6, the largest 80x80")]


@pytest.fixture(scope="module")
def vq_model(register_network) -> str:
    config = VQConfig(channels=16, code_dimension=4, codebook_size=64, stages=4, sub_codebooks=(4, 16),
                      prior_channels=16, embedding_channels=8)
    yield register_network("test-tiled-vq", config, 5, family="vq")
    registry._MODELS.pop("test-tiled-vq", None)


def test_vq_tiles_conceal_a_lost_band_and_say_which_tile(vq_model, textured_image):
    data = encode_pixels(textured_image, 2, vq_model, tiles=SMALL_TILES)
    container = read_container(data)
    position = next(i for i, chunk in enumerate(container.chunks) if chunk.type == b"VQIX" and i > 4)
    damaged = write_container(container.header, container.chunks[:position] + container.chunks[position + 1:])
    with pytest.raises(FormatError, match="missing"):
        decode_stream(damaged)
    decoded = decode_stream(damaged, conceal=True)
    assert decoded.pixels.shape == textured_image.shape
    assert any(note.startswith("tile at (64, 0):") for note in decoded.concealed)


def forged(loud_model: str, textured_image: np.ndarray, width: int, height: int, tiles: list[Tile] | None) -> bytes:
    """A stream of the image whose HEAD claims another size (its TILE chunks, if any, replaced)."""
    container = read_container(encode_pixels(textured_image, 5, loud_model))
    header = container.header
    chunks = container.chunks if tiles is None else [Chunk(TILE, pack_tile(tile)) for tile in tiles] + container.chunks
    return write_container(Header(header.model, header.weights_digest, width, height, 3, 8, 5), chunks)


def test_forged_huge_header_is_refused_before_decoding(loud_model, textured_image):
    with pytest.raises(FormatError, match=f"{MAX_PIXELS} pixels.*MAX_PIXELS"):
        decode_stream(forged(loud_model, textured_image, 65536, 65536, None))


def test_big_image_in_one_piece_is_refused_before_decoding(loud_model, textured_image):
    with pytest.raises(FormatError, match="MAX_TILE_PIXELS"):
        decode_stream(forged(loud_model, textured_image, 8192, 8192, None))


def test_oversized_tile_is_refused_before_decoding(loud_model, textured_image):
    with pytest.raises(FormatError, match="MAX_TILE_PIXELS"):
        decode_stream(forged(loud_model, textured_image, 8192, 8192, [Tile(0, 0, 8192, 8192)]))


def test_tiles_that_miss_part_of_the_image_are_refused(loud_model, textured_image):
    with pytest.raises(FormatError, match="cover"):
        decode_stream(forged(loud_model, textured_image, 160, 97, [Tile(0, 0, 160, 96)]))


def test_encoder_refuses_images_over_the_limit_before_coding(loud_model):
    huge = np.broadcast_to(np.zeros((1, 1, 3), np.uint8), (16384, 8193, 3))  # no memory behind it
    with pytest.raises(CodecError, match="MAX_PIXELS"):
        encode_pixels(huge, 5, loud_model)
