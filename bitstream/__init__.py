"""nvc container format: a versioned, PNG-style chunked byte stream.

Pure standard library; knows bytes only. See docs/FORMAT.md for the spec.
"""

from .chunk_types import CHUNK_TYPES, DONE, FIDX, FRME, HEAD, META, MOTN, PHDR, VHDR, VQIX, YLAT, ZLAT, register_chunk_type
from .container import Container, read_container, write_container
from .stream import StreamWriter, find_chunk, read_stream
from .errors import FormatError
from .framing import FORMAT_VERSION, SIGNATURE, Chunk
from .header import Header

__all__ = [
    "CHUNK_TYPES",
    "DONE",
    "FIDX",
    "FORMAT_VERSION",
    "FRME",
    "HEAD",
    "META",
    "MOTN",
    "PHDR",
    "SIGNATURE",
    "VHDR",
    "VQIX",
    "YLAT",
    "ZLAT",
    "Chunk",
    "Container",
    "FormatError",
    "Header",
    "StreamWriter",
    "find_chunk",
    "read_container",
    "read_stream",
    "register_chunk_type",
    "write_container",
]
