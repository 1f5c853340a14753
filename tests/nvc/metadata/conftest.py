"""An image whose every pixel differs, so that any turn or flip shows."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def marked() -> np.ndarray:
    """A 6x10 RGB image, no two pixels alike."""
    return np.arange(6 * 10 * 3, dtype=np.uint8).reshape(6, 10, 3)
