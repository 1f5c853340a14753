"""A tiny effort for the overfitted family, so that tests fit a model in about a second."""

from __future__ import annotations

import numpy as np
import pytest

from nvc.overfit import presets
from nvc.overfit.fit import Schedule

TINY = Schedule(main_iterations=200, final_iterations=10, warmup_candidates=2, warmup_survivors=1, warmup_iterations=10)


@pytest.fixture(scope="session")
def overfit_image() -> np.ndarray:
    """A 40x56 image with edges, gradients and noise (uint8 RGB)."""
    rows, cols = np.mgrid[0:40, 0:56]
    rng = np.random.default_rng(3)
    base = np.stack([rows * 5, cols * 4, 128 + 60 * np.sin(rows / 4.0) * np.cos(cols / 5.0)], axis=2)
    base[10:25, 20:40] = [200, 40, 90]
    return np.clip(base + rng.integers(-6, 7, base.shape), 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def tiny_effort():
    """The name of an effort level whose schedule is tiny (replaces 'fast' for the session)."""
    saved = presets.EFFORTS["fast"]
    presets.EFFORTS["fast"] = TINY
    yield "fast"
    presets.EFFORTS["fast"] = saved


@pytest.fixture(scope="session")
def overfit_stream(overfit_image, tiny_effort) -> bytes:
    """The test image coded by the overfitted model at quality 4 with the tiny effort."""
    import nvc

    return nvc.encode(overfit_image, quality=4, model="overfit", effort=tiny_effort)
