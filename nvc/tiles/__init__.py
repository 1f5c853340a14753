"""Big images in tiles: each tile coded by the model's family as an image of its own, after
a ``TILE`` chunk that says where it lies; the decoder decodes tile by tile and blends the
overlaps, so memory is bounded by the tile size (docs/FORMAT.md, section 7e)."""
