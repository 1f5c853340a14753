"""nvc itself as a codec under evaluation, through its public library API."""

from __future__ import annotations

import numpy as np

import nvc
from kodak_eval.codecs.base import Codec
from nvc.families import family_for
from nvc.family import EncodeOptions
from nvc.registry import image_model_entry


class NvcCodec(Codec):
    """One registered nvc model, swept over all its quality levels."""

    suffix = ".nvc"

    def __init__(self, model: str, effort: str | None = None):
        entry = image_model_entry(model)  # CodecError when unknown or not an image model
        family_for(entry).check_options(entry, EncodeOptions(effort))
        self.model, self.effort = model, effort
        suffix = f"@{effort}" if effort else ""
        self.name, self.label = f"nvc-{model}{suffix}", f"nvc {model} v{entry.version}{suffix}"
        self.settings = tuple(entry.qualities)
        self._entry = entry

    @property
    def identity(self) -> str:
        return self._identity(None)

    def setting_identity(self, setting: int) -> str:
        """The identity of one quality (the overfitted family's architecture depends on it)."""
        return self._identity(setting)

    def _identity(self, quality: int | None) -> str:
        encoder = family_for(self._entry).encoder_identity(self._entry, self.effort, quality)
        return f"{self.name}; weights sha256 {self._entry.sha256}" + (f"; {encoder}" if encoder else "")

    def load(self) -> None:
        """Load the weights now, so that failures come early and timings exclude loading."""
        family_for(self._entry).load(self._entry)

    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        """nvc.encode at quality ``setting`` (and the codec's effort)."""
        return nvc.encode(rgb, setting, self.model, effort=self.effort)

    def decode(self, data: bytes, height: int, width: int) -> np.ndarray:
        """nvc.decode."""
        return nvc.decode(data)
