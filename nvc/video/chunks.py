"""The chunk types of video streams (layout in docs/FORMAT.md, section 7c), registered
with the container when this module is imported. Torch-free: ``nvc`` imports it at once
(``nvc.families``), before any stream is read. A video's intra frames and P-frame
residuals use the image families' chunk types besides these."""

from bitstream import register_chunk_types

VHDR, FRME, PHDR, MOTN, FIDX = b"VHDR", b"FRME", b"PHDR", b"MOTN", b"fidx"

CHUNK_TYPES: dict[bytes, str] = {
    VHDR: "video header: frame rate, intra period, colour matrix and range",
    FRME: "start of a video frame: type (intra or predicted), index and timestamp; the frame's chunks follow",
    PHDR: "header of the P-frames' inter model (HEAD layout): model name, weights digest, frame size, quality",
    MOTN: "P-frame motion field: one half-pixel vector per 16x16 block, median-predicted, Laplace-coded",
    FIDX: "index of random-access (intra) frames: frame index and byte offset of each; safe to ignore",
}

register_chunk_types(CHUNK_TYPES)
