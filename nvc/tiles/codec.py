"""Coding an image tile by tile with any family: per tile, a TILE chunk and then the
family's chunks for the tile coded as an image of its own; decoding tile by tile, blended
into the image (``nvc.tiles.blend``), so that memory does not grow with the image."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from bitstream import Chunk, Container, FormatError
from nvc.family import DecodedImage, EncodeOptions, ModelFamily
from nvc.registry import ModelEntry
from nvc.tiles.blend import blend_tiles
from nvc.tiles.chunks import TILE
from nvc.tiles.grid import Tile, check_grid, pack_tile, unpack_tile

Progress = Callable[[float], None]


def is_tiled(container: Container) -> bool:
    """Whether a stream's image is coded in tiles (it has TILE chunks)."""
    return any(chunk.type == TILE for chunk in container.chunks)


def _share(options: EncodeOptions, index: int, count: int) -> EncodeOptions:
    """``options`` for tile ``index`` of ``count``: its progress is that tile's share of the whole."""
    whole = options.progress
    if whole is None:
        return options
    return replace(options, progress=lambda fraction: whole((index + fraction) / count))


def encode_tiles(family: ModelFamily, entry: ModelEntry, pixels: np.ndarray, quality: int,
                 options: EncodeOptions, tiles: list[Tile]) -> list[Chunk]:
    """The payload chunks of (H, W, 3) uint8 ``pixels`` cut into ``tiles`` (a grid in raster
    order, see ``nvc.tiles.grid``), each coded by ``family`` after its TILE chunk."""
    chunks = []
    for index, tile in enumerate(tiles):
        chunks.append(Chunk(TILE, pack_tile(tile)))
        part = np.ascontiguousarray(pixels[tile.region])
        chunks.extend(family.encode(entry, part, quality, _share(options, index, len(tiles))))
        if options.progress is not None:
            options.progress((index + 1) / len(tiles))
    return chunks


def split_tiles(chunks: list[Chunk]) -> list[tuple[Tile, list[Chunk]]]:
    """Each tile of a tiled stream's payload and the chunks that follow its TILE chunk;
    FormatError for a malformed TILE chunk or a critical chunk before the first one."""
    tiles: list[tuple[Tile, list[Chunk]]] = []
    for chunk in chunks:
        if chunk.type == TILE:
            tiles.append((unpack_tile(chunk.data), []))
        elif tiles:
            tiles[-1][1].append(chunk)
        elif chunk.critical:
            raise FormatError(f"{chunk.name} chunk before the first TILE chunk")
    return tiles


def describe_tiles(container: Container) -> list[tuple[str, str]]:
    """``nvc info``'s line about the tiles of a tiled stream: their number and largest size."""
    tiles = [unpack_tile(chunk.data) for chunk in container.chunks_of(TILE)]
    largest = max(tiles, key=lambda tile: tile.width * tile.height)
    return [("tiles", f"{len(tiles)}, the largest {largest.width}x{largest.height}")]


def decode_tiles(family: ModelFamily, entry: ModelEntry, container: Container, conceal: bool,
                 progress: Progress | None = None) -> DecodedImage:
    """A tiled container back to pixels, one tile at a time (``progress`` is told the
    fraction of tiles done); FormatError if its tiles do not form a grid covering the
    header's image or a tile's chunks are damaged (see ``ModelFamily.decode``)."""
    header = container.header
    pieces = split_tiles(container.chunks)
    grid = check_grid([tile for tile, _ in pieces], header.width, header.height)
    notes = list(container.damage)

    def decoded() -> Iterator[np.ndarray]:
        for index, (tile, chunks) in enumerate(pieces):
            part = Container(replace(header, width=tile.width, height=tile.height), chunks)
            image = family.decode(entry, part, conceal)
            notes.extend(f"tile at ({tile.x}, {tile.y}): {note}" for note in image.concealed)
            if progress is not None:
                progress((index + 1) / len(pieces))
            yield image.pixels

    pixels = blend_tiles(grid, header.width, header.height, decoded())
    return DecodedImage(pixels, header, tuple(notes))
