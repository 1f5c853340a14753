"""What every codec under evaluation provides: a name, a sweep of settings, encode and decode.

Adding a codec is one small subclass registered in ``kodak_eval.codecs``. A codec works on
uint8 RGB arrays of shape (H, W, 3) and on the bytes it would store: those bytes are
what bpp is computed from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Codec(ABC):
    """One codec with a fixed list of settings (quality levels, QPs, ...)."""

    name: str  # short identifier, also the stem of its results file, e.g. "jpeg-420"
    label: str  # human-readable name for tables and plots
    suffix: str  # file extension of its streams, e.g. ".jpg"
    settings: tuple[int, ...]  # the sweep, from lowest to highest rate where possible

    @property
    @abstractmethod
    def identity(self) -> str:
        """Everything that changes its output (library versions, weights digest, presets):
        part of the cache key, so a new version of a library recomputes its results."""

    def setting_identity(self, setting: int) -> str:
        """The identity that keys one setting's results: the codec's, unless what changes
        the output differs between settings."""
        return self.identity

    @abstractmethod
    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        """Compress a uint8 (H, W, 3) image at one setting."""

    @abstractmethod
    def decode(self, data: bytes, height: int, width: int) -> np.ndarray:
        """Decompress to a uint8 (height, width, 3) image."""

    def load(self) -> None:
        """Prepare whatever the first call would otherwise pay for (weights); default: nothing."""

    def description(self) -> str:
        """One line for results files: the label and the identity."""
        return f"{self.label} ({self.identity})"
