"""The chunk types of image metadata (layout in docs/FORMAT.md, section 7f), registered with
the container when this module is imported, and their packing. Torch- and Pillow-free:
``nvc`` imports it at once (``nvc.families``), before any stream is read.

Both types are ancillary: a reader that does not know them skips them, and ``nvc.decode``
never needs them (the pixels are stored upright, see ``nvc.metadata.image.upright``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from bitstream import Chunk, Container, FormatError, read_until_damage, register_chunk_types

EXIF, ICCP = b"exif", b"iccp"

CHUNK_TYPES: dict[bytes, str] = {
    EXIF: "the source image's EXIF data (a TIFF structure; its orientation already applied); safe to ignore",
    ICCP: "the source image's ICC colour profile, zlib-compressed; safe to ignore",
}

TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*")
"""How EXIF data (a TIFF structure) starts: little- or big-endian byte order, then 42."""

JPEG_EXIF_PREFIX = b"Exif\x00\x00"
"""What precedes the TIFF structure in a JPEG's APP1 segment; Pillow gives and takes EXIF
with it for every format (and without it for WebP)."""

MAX_ICC_BYTES = 1 << 24
"""The largest ICC profile a reader inflates (16 MiB, far above any RGB or gray profile),
so that a forged ``iccp`` chunk cannot reserve memory without bound."""

ICC_COMPRESSION_LEVEL = 9

register_chunk_types(CHUNK_TYPES)


@dataclass(frozen=True)
class Metadata:
    """An image's EXIF data (a TIFF structure, without JPEG's ``Exif\\0\\0`` prefix) and ICC
    profile; None for what it does not have. False when it has neither."""

    exif: bytes | None = None
    icc_profile: bytes | None = None

    def __bool__(self) -> bool:
        return self.exif is not None or self.icc_profile is not None

    def pillow_options(self) -> dict[str, bytes]:
        """Keyword arguments of ``PIL.Image.Image.save`` that write this metadata (PNG, JPEG,
        WebP and AVIF files hold both)."""
        options = {}
        if self.exif is not None:
            options["exif"] = JPEG_EXIF_PREFIX + self.exif
        if self.icc_profile is not None:
            options["icc_profile"] = self.icc_profile
        return options


def pack_metadata(metadata: Metadata) -> list[Chunk]:
    """The ``exif`` and ``iccp`` chunks of ``metadata`` (none for what it does not have)."""
    chunks = []
    if metadata.exif is not None:
        chunks.append(Chunk(EXIF, metadata.exif))
    if metadata.icc_profile is not None:
        chunks.append(Chunk(ICCP, zlib.compress(metadata.icc_profile, ICC_COMPRESSION_LEVEL)))
    return chunks


def read_metadata(data: bytes) -> Metadata:
    """The EXIF data and ICC profile a stream carries, among the chunks before any damage
    (so that a stream decoded with concealment keeps them); FormatError when not even HEAD
    can be read, or for a malformed or repeated metadata chunk."""
    container, _ = read_until_damage(bytes(data))
    exif = _single(container, EXIF)
    if exif is not None and not exif.startswith(TIFF_SIGNATURES):
        raise FormatError("exif chunk does not hold a TIFF structure (it must start with II*\\0 or MM\\0*)")
    profile = _single(container, ICCP)
    return Metadata(exif, None if profile is None else _inflate_profile(profile))


def _single(container: Container, chunk_type: bytes) -> bytes | None:
    """The data of the one chunk of ``chunk_type`` (None without one); FormatError for more."""
    chunks = container.chunks_of(chunk_type)
    if len(chunks) > 1:
        raise FormatError(f"expected at most one {chunk_type.decode('ascii')} chunk, found {len(chunks)}")
    return chunks[0].data if chunks else None


def _inflate_profile(data: bytes) -> bytes:
    """The ICC profile of an ``iccp`` chunk's zlib stream, at most MAX_ICC_BYTES long."""
    inflater = zlib.decompressobj()
    try:
        profile = inflater.decompress(data, MAX_ICC_BYTES + 1)
    except zlib.error as error:
        raise FormatError(f"iccp chunk is not a valid zlib stream ({error})") from None
    if len(profile) > MAX_ICC_BYTES:
        raise FormatError(f"iccp chunk inflates to over {MAX_ICC_BYTES} bytes (MAX_ICC_BYTES)")
    if not inflater.eof or inflater.unused_data:
        raise FormatError("iccp chunk's zlib stream is truncated or followed by other bytes")
    return profile
