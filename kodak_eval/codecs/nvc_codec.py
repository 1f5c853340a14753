"""nvc itself as a codec under evaluation: through its public library API, or (for
BD-rate against refinement steps) a hyperprior-family model with a given number of steps."""

from __future__ import annotations

import numpy as np

import nvc
from bitstream import write_container
from kodak_eval.codecs.base import Codec
from kodak_eval.errors import EvalError
from nvc.coding import image_header
from nvc.families import family_for
from nvc.family import EncodeOptions
from nvc.image.family import HyperpriorFamily
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


class NvcRefinementCodec(NvcCodec):
    """A hyperprior-family model with ``steps`` of encoder-side latent refinement, the
    schedule of the efforts (``nvc.image.refine.refinement``) at any step count: the stream
    ``nvc.encode`` would write at an effort with that many steps."""

    def __init__(self, model: str, steps: int):
        super().__init__(model)
        if not isinstance(family_for(self._entry), HyperpriorFamily):
            raise EvalError(f"nvc-{model}: refinement steps are for the checkerboard and hyperprior models")
        from nvc.image.refine import refinement

        self.refinement = refinement(steps)
        self.name, self.label = f"{self.name}@refine{steps}", f"{self.label} @refine{steps}"

    def _identity(self, quality: int | None) -> str:
        return f"{self.name}; weights sha256 {self._entry.sha256}; latent refinement {self.refinement}"

    def encode(self, rgb: np.ndarray, setting: int) -> bytes:
        """The image's latent chunks, refined, in a container (no metadata)."""
        from nvc.image.codec import latent_chunks, load_model
        from nvc.image.hyperprior import GainedHyperprior
        from nvc.tensors import pixels_to_tensor

        x = pixels_to_tensor(rgb, GainedHyperprior.downsampling)
        chunks = latent_chunks(load_model(self.model), x, setting, self.refinement, rgb.shape[:2])
        return write_container(image_header(rgb, setting, self.model), chunks)
