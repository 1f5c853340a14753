"""The HEAD chunk: the :class:`Header` record and its fixed 1.0 byte layout."""

from __future__ import annotations

import operator
import struct
from dataclasses import dataclass

from .errors import FormatError

MODEL_NAME_MAX_BYTES = 255
"""The model name is prefixed by a u8 length."""
WEIGHTS_DIGEST_SIZE = 32
"""SHA-256 digest size."""
MIN_DIMENSION = 1
MAX_DIMENSION = 65536
ALLOWED_CHANNELS = frozenset({1, 3, 4})
SUPPORTED_BIT_DEPTHS = frozenset({8})
U8_MAX = 255

_NAME_LENGTH = struct.Struct(">B")
HEAD_FIELDS = struct.Struct(f">{WEIGHTS_DIGEST_SIZE}sIIBBB")
"""HEAD after the model name: weights digest, width, height, channels, bit depth, quality."""


@dataclass(frozen=True)
class Header:
    """Stream header: which model decodes the stream and what image it holds."""

    model: str
    weights_digest: bytes
    width: int
    height: int
    channels: int
    bit_depth: int
    quality: int


def _as_int(name: str, value: object) -> int:
    """Return ``value`` as an int, or raise ValueError naming the field."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {type(value).__name__}") from None


def _encode_model_name(model: object) -> bytes:
    """Return the UTF-8 encoded model name, or raise ValueError."""
    if not isinstance(model, str):
        raise ValueError(f"model name must be a str, got {type(model).__name__}")
    try:
        encoded = model.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("model name is not encodable as UTF-8") from None
    if not encoded:
        raise ValueError("model name must not be empty")
    if len(encoded) > MODEL_NAME_MAX_BYTES:
        raise ValueError(f"model name is {len(encoded)} bytes in UTF-8, over the {MODEL_NAME_MAX_BYTES}-byte limit")
    return encoded


def validate_header(header: Header) -> None:
    """Check every header field against the 1.0 rules; raise ValueError on the first violation."""
    if not isinstance(header, Header):
        raise ValueError(f"expected a Header, got {type(header).__name__}")
    _encode_model_name(header.model)
    digest = header.weights_digest
    if not isinstance(digest, bytes) or len(digest) != WEIGHTS_DIGEST_SIZE:
        size = len(digest) if isinstance(digest, bytes) else type(digest).__name__
        raise ValueError(f"weights digest must be {WEIGHTS_DIGEST_SIZE} bytes, got {size}")
    for name in ("width", "height"):
        value = _as_int(name, getattr(header, name))
        if not MIN_DIMENSION <= value <= MAX_DIMENSION:
            raise ValueError(f"{name} {value} is out of range [{MIN_DIMENSION}, {MAX_DIMENSION}]")
    channels = _as_int("channels", header.channels)
    if channels not in ALLOWED_CHANNELS:
        raise ValueError(f"channels {channels} is not one of {sorted(ALLOWED_CHANNELS)}")
    bit_depth = _as_int("bit depth", header.bit_depth)
    if bit_depth not in SUPPORTED_BIT_DEPTHS:
        raise ValueError(f"unsupported bit depth {bit_depth} (format 1.0 supports only {sorted(SUPPORTED_BIT_DEPTHS)})")
    quality = _as_int("quality", header.quality)
    if not 0 <= quality <= U8_MAX:
        raise ValueError(f"quality {quality} is out of range [0, {U8_MAX}]")


def pack_header(header: Header) -> bytes:
    """Validate ``header`` and return the HEAD chunk data (ValueError if invalid)."""
    validate_header(header)
    name = _encode_model_name(header.model)
    return _NAME_LENGTH.pack(len(name)) + name + HEAD_FIELDS.pack(
        header.weights_digest,
        _as_int("width", header.width),
        _as_int("height", header.height),
        _as_int("channels", header.channels),
        _as_int("bit depth", header.bit_depth),
        _as_int("quality", header.quality),
    )


def unpack_header(data: bytes) -> Header:
    """Parse and validate HEAD chunk data; raise FormatError if it is malformed."""
    if len(data) < _NAME_LENGTH.size:
        raise FormatError("HEAD chunk is empty")
    (name_length,) = _NAME_LENGTH.unpack_from(data)
    expected = _NAME_LENGTH.size + name_length + HEAD_FIELDS.size
    if len(data) < expected:
        raise FormatError(f"HEAD chunk too short ({len(data)} bytes, expected {expected})")
    if len(data) > expected:
        raise FormatError(f"HEAD chunk has {len(data) - expected} unexpected trailing bytes (format 1.0 HEAD is fixed)")
    name_end = _NAME_LENGTH.size + name_length
    try:
        model = data[_NAME_LENGTH.size:name_end].decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("HEAD model name is not valid UTF-8") from None
    digest, width, height, channels, bit_depth, quality = HEAD_FIELDS.unpack_from(data, name_end)
    header = Header(model, digest, width, height, channels, bit_depth, quality)
    try:
        validate_header(header)
    except ValueError as exc:
        raise FormatError(f"invalid HEAD chunk: {exc}") from None
    return header
