"""Motion fields to bytes and back (the data of a P-frame's ``MOTN`` chunk).

Each vector is predicted by the component-wise median of its left, upper and upper-right
neighbours (missing neighbours count as zero vectors, as in H.264); the differences are
coded with ``entropy.laplace``, one table scale per component, chosen by the encoder to
minimise the bits and sent as two leading bytes.
"""

from __future__ import annotations

import numpy as np

from bitstream import FormatError
from entropy import EntropyDecodeError, best_scale_index, decode_laplace, encode_laplace


# A field is held with a border of zero vectors, one row above and one column either
# side: block (r, c) sits at (r + 1, c + 1), and its left, upper and upper-right
# neighbours at these offsets from (r, c) in the bordered array.
_NEIGHBOURS = ((1, 0), (0, 1), (0, 2))


def _bordered(motion: np.ndarray) -> np.ndarray:
    return np.pad(motion, ((0, 0), (1, 0), (1, 1)))


def median_prediction(motion: np.ndarray) -> np.ndarray:
    """Every block's predicted vector from its (already coded) neighbours."""
    _, rows, cols = motion.shape
    bordered = _bordered(motion)
    neighbours = [bordered[:, dr : dr + rows, dc : dc + cols] for dr, dc in _NEIGHBOURS]
    return np.median(np.stack(neighbours), axis=0).astype(np.int32)


def encode_motion(motion: np.ndarray) -> bytes:
    """MOTN chunk data for an int32 (2, rows, cols) motion field."""
    differences = (motion - median_prediction(motion)).reshape(2, -1)
    scales = [best_scale_index(component) for component in differences]
    indices = np.repeat(scales, differences.shape[1])
    return bytes(scales) + encode_laplace(differences.ravel(), indices)


def decode_motion(data: bytes, rows: int, cols: int) -> np.ndarray:
    """Inverse of ``encode_motion`` for a field of ``rows`` x ``cols`` blocks; FormatError if damaged."""
    if len(data) < 2:
        raise FormatError("MOTN chunk is too short")
    try:
        differences = decode_laplace(data[2:], np.repeat(list(data[:2]), rows * cols)).reshape(2, rows, cols)
    except EntropyDecodeError as error:
        raise FormatError(f"motion field cannot be decoded: {error}") from error
    bordered = _bordered(np.zeros((2, rows, cols), dtype=np.int32))
    for row in range(rows):
        for col in range(cols):
            neighbours = [bordered[:, row + dr, col + dc] for dr, dc in _NEIGHBOURS]
            predicted = np.median(neighbours, axis=0).astype(np.int32)
            bordered[:, row + 1, col + 1] = predicted + differences[:, row, col]
    return bordered[:, 1:, 1:-1]
