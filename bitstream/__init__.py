"""nvc container format: a versioned, PNG-style chunked byte stream.

Pure standard library; knows bytes only. See docs/FORMAT.md for the spec.
"""

from .chunk_types import CHUNK_TYPES, CONTAINER_TYPES, DONE, HEAD, META, register_chunk_type, register_chunk_types
from .container import Container, read_container, read_until_damage, write_container
from .stream import StreamWriter, count_chunks, find_chunk, read_stream
from .errors import FormatError
from .framing import FORMAT_VERSION, SIGNATURE, Chunk
from .header import Header

__all__ = [
    "CHUNK_TYPES",
    "CONTAINER_TYPES",
    "DONE",
    "FORMAT_VERSION",
    "HEAD",
    "META",
    "SIGNATURE",
    "Chunk",
    "Container",
    "FormatError",
    "Header",
    "StreamWriter",
    "count_chunks",
    "find_chunk",
    "read_container",
    "read_stream",
    "read_until_damage",
    "register_chunk_type",
    "register_chunk_types",
    "write_container",
]
