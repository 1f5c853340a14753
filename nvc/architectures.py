"""The network architectures nvc has, by name: each a config dataclass whose ``build()``
makes the network. Training configs and manifests name one of these."""

from __future__ import annotations

from dataclasses import fields

from nvc.image.config import CheckerboardConfig, HyperpriorConfig
from nvc.vq.config import VQConfig

ARCHITECTURES: dict[str, type] = {
    "hyperprior": HyperpriorConfig,  # mean-scale hyperprior, GDN transforms
    "checkerboard": CheckerboardConfig,  # + channel slices x checkerboard context, residual transforms
    "vq": VQConfig,  # VQGAN-style autoencoder with index priors, for ultra-low rates
}


def architecture_config(architecture: str, values: dict):
    """The config of ``architecture`` with ``values`` overriding its defaults (ValueError on
    an unknown architecture or key)."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture '{architecture}' (available: {', '.join(ARCHITECTURES)})")
    config_class = ARCHITECTURES[architecture]
    known = {field.name for field in fields(config_class)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown {architecture} model keys: {sorted(unknown)}")
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in values.items()}
    return config_class(**values)
