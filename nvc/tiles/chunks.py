"""The chunk type of tiled streams (layout in docs/FORMAT.md, section 7e), registered with
the container when this module is imported. Torch-free: ``nvc`` imports it at once
(``nvc.families``), before any stream is read. A tile's own chunks are its family's."""

from bitstream import register_chunk_types

TILE = b"TILE"

CHUNK_TYPES: dict[bytes, str] = {
    TILE: "start of a tile of a big image: its position and size; the tile's chunks follow",
}

register_chunk_types(CHUNK_TYPES)
