"""The one list of models nvc can code with (name, version, family, weights file and
digest), and of the model families that code them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nvc.errors import CodecError
from nvc.image.config import CheckerboardConfig, HyperpriorConfig
from nvc.overfit.config import OverfitConfig

WEIGHTS_DIR = Path(__file__).parent / "weights"
IMAGE, INTER = "image", "inter"

FAMILIES: dict[str, str] = {
    "hyperprior": "nvc.image",  # mean-scale hyperprior VAEs, with or without a context model
    "vq": "nvc.vq",  # VQGAN-style autoencoder with learned index priors, for ultra-low rates
    "overfit": "nvc.overfit",  # a model fitted to each image, sent in its stream (Cool-chic style)
}
"""Model family name (``ModelEntry.family``) -> the sub-package that codes it (see ``nvc.families``)."""


class ModelConfig(Protocol):
    """What the registry needs of a model's config (its family's own dataclass)."""

    @property
    def quality_levels(self) -> int:
        """Number of quality levels."""


@dataclass(frozen=True)
class ModelEntry:
    """A shipped (or test-registered) model and the exact weights it uses."""

    name: str
    version: str
    family: str  # the family that codes it: a key of FAMILIES
    weights: Path | None  # None for a family whose streams carry their own network
    sha256: str  # hex digest of the weights file (or of what identifies the model); streams carry it and decoders check it
    config: ModelConfig
    description: str = ""
    role: str = IMAGE  # IMAGE: codes images and intra frames; INTER: codes P-frame residuals

    @property
    def qualities(self) -> range:
        """User-facing quality levels, 1-based."""
        return range(1, self.config.quality_levels + 1)

    @property
    def digest(self) -> bytes:
        """The weights digest as bytes, as written into stream headers."""
        return bytes.fromhex(self.sha256)

    def check_quality(self, quality: int) -> None:
        """CodecError if ``quality`` is not one of the model's levels."""
        if quality not in self.qualities:
            raise CodecError(
                f"quality {quality} is out of range for model '{self.name}' "
                f"({self.qualities.start}..{self.qualities.stop - 1})"
            )


_MODELS: dict[str, ModelEntry] = {}


_OTHER_ROLE = {IMAGE: "codes P-frame residuals of videos, not images", INTER: "codes images, not P-frame residuals"}


def model_entry_for(name: str, role: str) -> ModelEntry:
    """The entry of model ``name``, which must have ``role`` (IMAGE or INTER); CodecError
    for an unknown model or one with the other role."""
    entry = get_model_entry(name)
    if entry.role != role:
        raise CodecError(f"model '{name}' {_OTHER_ROLE[role]}")
    return entry


def image_model_entry(name: str) -> ModelEntry:
    """The entry of a model that codes images (CodecError for an unknown or inter model)."""
    return model_entry_for(name, IMAGE)


def register_model(entry: ModelEntry) -> None:
    """Add (or replace) a model under its name; CodecError if nvc has no such family."""
    if entry.family not in FAMILIES:
        raise CodecError(f"model '{entry.name}' names family '{entry.family}', which nvc does not have "
                         f"(families: {', '.join(FAMILIES)})")
    _MODELS[entry.name] = entry


def get_model_entry(name: str) -> ModelEntry:
    """The entry registered under ``name``; CodecError naming the known ones otherwise."""
    try:
        return _MODELS[name]
    except KeyError:
        raise CodecError(f"unknown model '{name}' (available: {', '.join(sorted(_MODELS))})") from None


def model_entries() -> list[ModelEntry]:
    """All registered models, by name."""
    return [_MODELS[name] for name in sorted(_MODELS)]


register_model(
    ModelEntry(
        name="hyperprior",
        version="1.3",
        family="hyperprior",
        weights=WEIGHTS_DIR / "hyperprior.safetensors",
        sha256="7a64accb538caa6e4b3000f404d8c5924907ec710a8f64ff69dc3158bccdf6e8",  # printed by training/export.py
        config=HyperpriorConfig(),
        description="gained mean-scale hyperprior (N=128, M=192), one set of weights for all quality levels",
    )
)

register_model(
    ModelEntry(
        name="checkerboard",
        version="1.11",
        family="hyperprior",
        weights=WEIGHTS_DIR / "checkerboard.safetensors",
        sha256="2a9bf16ecbd3e8449401b0d55b58d0f113d5109ae30e5693ef735f8d04192400",  # printed by training/export.py
        config=CheckerboardConfig(
            latent_channels=192, slices=(16, 16, 32, 64, 64), context_channels=128, transforms="gdn"
        ),
        description="hyperprior transforms plus a channel-slice x checkerboard context model (M=192)",
    )
)

register_model(
    ModelEntry(
        name="overfit",
        version="1.0",
        family="overfit",
        weights=None,  # each stream carries its own networks
        sha256="5392346cd35462df0f50a00e020462666f64077b50999cdc69e71af74a1c0ba4",  # sha256(b"nvc overfit stream format 1")
        config=OverfitConfig(),
        description="overfitted per image (latent grids, autoregressive entropy model, synthesis); slow to encode",
    )
)

DEFAULT_MODEL = "checkerboard"  # the best measured RD; its rates, PSNRs and times are in docs/RESULTS.md

register_model(
    ModelEntry(
        name="inter",
        version="1.1",
        family="hyperprior",
        weights=WEIGHTS_DIR / "inter.safetensors",
        sha256="0f597ebac2f4b8049ccd1ed31a3d0da27b79e077eff6b27ec028136b06c763fb",  # printed by training/export.py
        config=HyperpriorConfig(),
        description="P-frame residual model: gained mean-scale hyperprior trained on motion-compensated residuals",
        role=INTER,
    )
)
