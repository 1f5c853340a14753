"""nvc container format: a versioned, PNG-style chunked byte stream.

Pure standard library; knows bytes only. See docs/FORMAT.md for the spec.
"""

from .chunk_types import CHUNK_TYPES, DONE, HEAD, META, VQIX, YLAT, ZLAT, register_chunk_type
from .container import Container, read_container, write_container
from .errors import FormatError
from .framing import FORMAT_VERSION, SIGNATURE, Chunk
from .header import Header

__all__ = [
    "CHUNK_TYPES",
    "DONE",
    "FORMAT_VERSION",
    "HEAD",
    "META",
    "SIGNATURE",
    "VQIX",
    "YLAT",
    "ZLAT",
    "Chunk",
    "Container",
    "FormatError",
    "Header",
    "read_container",
    "register_chunk_type",
    "write_container",
]
