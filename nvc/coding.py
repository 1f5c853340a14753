"""Image coding with any registered model: pixels <-> container bytes.

The container's frame (HEAD with the model name, weights digest, size and quality, then
DONE) is the same for every model; the payload chunks between are the model's family's
(``nvc.family``), found through ``nvc.families`` and never by testing which family it is.
Images over ``MAX_TILE_PIXELS`` are coded in tiles, each by the family (``nvc.tiles``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bitstream import Chunk, Container, FormatError, Header, read_container, write_container
from nvc.errors import CodecError, ModelMismatchError
from nvc.families import concealable_chunk_types, family_for
from nvc.family import DecodedImage, EncodeOptions
from nvc.registry import ModelEntry, get_model_entry, image_model_entry, model_entries
from nvc.tiles.codec import Progress, decode_tiles, describe_tiles, encode_tiles, is_tiled
from nvc.tiles.grid import Tile, default_tiles, size_problem
from nvc.video.chunks import VHDR

BIT_DEPTH = 8

__all__ = [
    "DecodedImage",
    "decode_container",
    "decode_stream",
    "describe_stream",
    "encode_pixels",
    "entry_for_header",
    "image_chunks",
    "image_header",
]


def image_header(pixels: np.ndarray, quality: int, model_name: str, channels: int = 3) -> Header:
    """The HEAD fields of an image (or of every frame of a video) coded with a model."""
    entry = image_model_entry(model_name)
    entry.check_quality(quality)
    height, width = pixels.shape[:2]
    return Header(entry.name, entry.digest, width, height, channels, BIT_DEPTH, quality)


def image_chunks(pixels: np.ndarray, quality: int, model_name: str, options: EncodeOptions = EncodeOptions(),
                 tiles: list[Tile] | None = None) -> list[Chunk]:
    """The payload chunks that code (H, W, 3) uint8 pixels at a 1-based quality level, in
    one piece or cut into ``tiles`` (a grid, see ``nvc.tiles.grid``)."""
    entry = get_model_entry(model_name)
    family = family_for(entry)
    family.check_options(entry, options)
    if tiles is None:
        return family.encode(entry, pixels, quality, options)
    return encode_tiles(family, entry, pixels, quality, options, tiles)


def encode_pixels(pixels: np.ndarray, quality: int, model_name: str, channels: int = 3,
                  options: EncodeOptions = EncodeOptions(), tiles: list[Tile] | None = None,
                  ancillary: Sequence[Chunk] = ()) -> bytes:
    """Code (H, W, 3) uint8 pixels at a 1-based quality level into a container, cut into
    ``tiles`` (default: ``default_tiles``, which cuts only images over MAX_TILE_PIXELS),
    with the ``ancillary`` chunks (the image's metadata) between HEAD and the payload;
    CodecError for an image over MAX_PIXELS."""
    header = image_header(pixels, quality, model_name, channels)
    tiles = tiles if tiles is not None else default_tiles(header.width, header.height)
    problem = size_problem(header.width, header.height, tiled=tiles is not None)
    if problem:
        raise CodecError(f"image too large: {problem}")
    return write_container(header, [*ancillary, *image_chunks(pixels, quality, model_name, options, tiles)])


def entry_for_header(header: Header) -> ModelEntry:
    """The installed model a stream was made with; ModelMismatchError if there is none."""
    known = {entry.name: entry for entry in model_entries()}
    entry = known.get(header.model)
    if entry is None:
        raise ModelMismatchError(f"stream was made with model '{header.model}', which this nvc does not have")
    if entry.digest != header.weights_digest:
        raise ModelMismatchError(
            f"stream was made with other weights of model '{header.model}' "
            f"(stream {header.weights_digest.hex()[:12]}, installed {entry.sha256[:12]})"
        )
    if header.quality not in entry.qualities:
        raise FormatError(f"stream quality {header.quality} is outside model '{entry.name}' range")
    return entry


def decode_stream(data: bytes, conceal: bool = False, progress: Progress | None = None) -> DecodedImage:
    """Container bytes back to pixels. With ``conceal``, damage that the model can conceal
    (lost VQ index bands) is filled in and noted instead of raising FormatError; a tiled
    image tells ``progress`` the fraction of its tiles decoded.
    CodecError for a video stream (``nvc.video.codec`` decodes those)."""
    container = read_container(data, salvage=concealable_chunk_types() if conceal else frozenset())
    if container.chunks_of(VHDR):
        raise CodecError("this is a video stream, not an image: decode it with nvc.video.codec.read_video "
                         "and decode_frames, or 'nvc decompress' from a file")
    return decode_container(container, conceal, progress)


def decode_container(container: Container, conceal: bool = False, progress: Progress | None = None) -> DecodedImage:
    """A parsed image container (or one video frame's chunks under its header) to pixels;
    FormatError, before anything is decoded, for an image over the sizes nvc decodes."""
    header, tiled = container.header, is_tiled(container)
    problem = size_problem(header.width, header.height, tiled)
    if problem:
        raise FormatError(f"image too large to decode: {problem}")
    entry = entry_for_header(header)
    family = family_for(entry)
    if container.damage and not family.concealable:
        raise FormatError(f"damaged stream ({container.damage[0]}); only VQ streams can be concealed")
    if tiled:
        return decode_tiles(family, entry, container, conceal, progress)
    return family.decode(entry, container, conceal)


def describe_stream(entry: ModelEntry, container: Container) -> list[tuple[str, str]]:
    """Extra lines for ``nvc info``: the tiles of a tiled stream, else what the model's family says."""
    if is_tiled(container):
        return describe_tiles(container)
    return family_for(entry).describe(entry, container)
