"""nvc itself as a codec under evaluation, through its public library API."""

from __future__ import annotations

import numpy as np

import nvc
from kodak_eval.codecs.base import Codec
from nvc.families import family_for
from nvc.registry import image_model_entry


class NvcCodec(Codec):
    """One registered nvc model, swept over all its quality levels."""

    suffix = ".nvc"

    def __init__(self, model: str):
        entry = image_model_entry(model)  # CodecError when unknown or not an image model
        self.model = model
        self.name, self.label = f"nvc-{model}", f"nvc {model} v{entry.version}"
        self.settings = tuple(entry.qualities)
        self._entry = entry

    @property
    def identity(self) -> str:
        encoder = family_for(self._entry).encoder_identity(self._entry)
        return f"{self.name}; weights sha256 {self._entry.sha256}" + (f"; {encoder}" if encoder else "")

    def load(self) -> None:
        """Load the weights now, so that failures come early and timings exclude loading."""
        family_for(self._entry).load(self._entry)

    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        """nvc.encode at quality ``setting``."""
        return nvc.encode(rgb, setting, self.model)

    def decode(self, data: bytes, height: int, width: int) -> np.ndarray:
        """nvc.decode."""
        return nvc.decode(data)
