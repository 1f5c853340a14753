"""Payload chunk types for the bitstream tests. The container owns only HEAD, DONE and
``meta``; a codec registers its own types, so these tests register theirs (conftest.py)."""

ZLAT, YLAT, FIDX = b"ZLAT", b"YLAT", b"fidx"

PAYLOAD_TYPES: dict[bytes, str] = {
    ZLAT: "a critical test payload",
    YLAT: "another critical test payload",
    FIDX: "an ancillary test payload",
}
