"""Where the tiles of a big image lie: the encoder's plan, the checks a decoder makes on
the tiles a stream declares, and the sizes nvc codes and decodes.

A side of ``length`` pixels is cut into spans (start, stop) that start every ``stride``
pixels and reach ``overlap`` pixels into the next one; the tiles are the rows x columns
of spans, in raster order. Memory while coding a tile is about 600 bytes per pixel with
the default model, so the tile size bounds it, whatever the image's size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import pairwise

from bitstream import FormatError

TILE_STRIDE = 1536  # pixels between the starts of adjacent tiles (a multiple of the models' 64)
TILE_OVERLAP = 64  # pixels adjacent tiles share, blended across
MAX_TILE_PIXELS = 2048 * 2048  # the most pixels coded as one piece: larger images are tiled
MAX_PIXELS = 2**27  # 134,217,728 (e.g. 16384x8192): the largest image nvc codes or decodes

_RECORD = struct.Struct(">IIII")  # x, y, width, height

Span = tuple[int, int]  # (start, stop) in pixels along one side


@dataclass(frozen=True)
class Tile:
    """A rectangle of the image, in pixels from its top-left corner."""

    x: int
    y: int
    width: int
    height: int

    @property
    def region(self) -> tuple[slice, slice]:
        """(rows, columns) of the tile in the image, for indexing an (H, W, ...) array."""
        return slice(self.y, self.y + self.height), slice(self.x, self.x + self.width)


@dataclass(frozen=True)
class TileGrid:
    """Tiles as rows x columns of spans; ``tiles`` lists them in raster order."""

    rows: tuple[Span, ...]
    columns: tuple[Span, ...]

    def tiles(self) -> list[Tile]:
        """Every tile, row after row."""
        return [Tile(left, top, right - left, bottom - top) for top, bottom in self.rows for left, right in self.columns]


def pack_tile(tile: Tile) -> bytes:
    """TILE chunk data."""
    return _RECORD.pack(tile.x, tile.y, tile.width, tile.height)


def unpack_tile(data: bytes) -> Tile:
    """Parse TILE chunk data; FormatError if malformed."""
    if len(data) != _RECORD.size:
        raise FormatError(f"TILE chunk has {len(data)} bytes, expected {_RECORD.size}")
    tile = Tile(*_RECORD.unpack(data))
    if not tile.width or not tile.height:
        raise FormatError("TILE chunk declares an empty tile")
    return tile


def plan_spans(length: int, stride: int, overlap: int) -> tuple[Span, ...]:
    """The spans of a side: starts every ``stride`` (>= ``overlap``) pixels, each span
    ``overlap`` pixels longer than the stride, the last one cut by the edge."""
    count = max(1, -(-(length - overlap) // stride))
    return tuple((start, min(start + stride + overlap, length)) for start in range(0, count * stride, stride))


def plan_tiles(width: int, height: int, stride: int = TILE_STRIDE, overlap: int = TILE_OVERLAP) -> list[Tile]:
    """The tiles of a ``width`` x ``height`` image cut every ``stride`` pixels with ``overlap``."""
    return TileGrid(plan_spans(height, stride, overlap), plan_spans(width, stride, overlap)).tiles()


def default_tiles(width: int, height: int) -> list[Tile] | None:
    """How nvc's encoder cuts an image: None (one piece, no TILE chunk) up to
    MAX_TILE_PIXELS, else tiles of TILE_STRIDE plus TILE_OVERLAP pixels."""
    return plan_tiles(width, height) if width * height > MAX_TILE_PIXELS else None


def size_problem(width: int, height: int, tiled: bool) -> str | None:
    """Why nvc does not code or decode a ``width`` x ``height`` image (None when it does):
    more than MAX_PIXELS, or, coded in one piece (``tiled`` False), more than MAX_TILE_PIXELS."""
    pixels = width * height
    if pixels > MAX_PIXELS:
        return f"{width}x{height} is {pixels} pixels, over nvc's limit of {MAX_PIXELS} pixels (MAX_PIXELS)"
    if not tiled and pixels > MAX_TILE_PIXELS:
        return (f"{width}x{height} is {pixels} pixels, over the limit of {MAX_TILE_PIXELS} pixels "
                "for an image coded in one piece (MAX_TILE_PIXELS; larger images are tiled)")
    return None


def check_grid(tiles: list[Tile], width: int, height: int) -> TileGrid:
    """The grid formed by the (non-empty list of) tiles a stream declares; FormatError
    unless they are rows x columns in raster order that cover the ``width`` x ``height``
    image, each overlapping only its neighbours, none over MAX_TILE_PIXELS."""
    per_row = next((index for index, tile in enumerate(tiles) if tile.y != tiles[0].y), len(tiles))
    grid = TileGrid(tuple((tile.y, tile.y + tile.height) for tile in tiles[::per_row]),
                    tuple((tile.x, tile.x + tile.width) for tile in tiles[:per_row]))
    if tiles != grid.tiles():
        raise FormatError("TILE chunks do not form a grid of rows and columns in raster order")
    _check_spans(grid.columns, width, "columns")
    _check_spans(grid.rows, height, "rows")
    largest = max(tiles, key=lambda tile: tile.width * tile.height)
    if largest.width * largest.height > MAX_TILE_PIXELS:
        raise FormatError(f"a {largest.width}x{largest.height} tile is over the limit of {MAX_TILE_PIXELS} "
                          "pixels for one piece (MAX_TILE_PIXELS)")
    return grid


def _check_spans(spans: tuple[Span, ...], length: int, name: str) -> None:
    """FormatError unless ``spans`` cover [0, length), each starting inside the one before
    and ending after it, and none reaching into the one after its neighbour."""
    if spans[0][0] != 0 or spans[-1][1] != length:
        raise FormatError(f"tile {name} do not cover the image's {length} pixels")
    if any(not first < second <= first_stop < second_stop for (first, first_stop), (second, second_stop) in pairwise(spans)):
        raise FormatError(f"tile {name} must each start inside the one before and end after it")
    if any(third < first_stop for (_, first_stop), (third, _) in zip(spans, spans[2:])):
        raise FormatError(f"tile {name} overlap tiles other than their neighbours")
