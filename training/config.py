"""Training configuration: defaults in a dataclass, overridden by small TOML files."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from nvc.architectures import architecture_config
from nvc.image.config import HyperpriorConfig
from nvc.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class TrainConfig:
    """Everything one training run needs; ``load_config`` fills it from a TOML file."""

    name: str = "hyperprior"
    architecture: str = "hyperprior"  # a key of nvc.architectures.ARCHITECTURES
    model: HyperpriorConfig = field(default_factory=HyperpriorConfig)
    data: str = "images"  # or "video_residuals": P-frame residuals of the clips in data_dir
    data_dir: str = "../shared/data/train"
    validation_every_nth_image: int = 50  # held-out slice of the training folder (every nth clip for videos), never Kodak
    crop: int = 128
    batch_size: int = 16
    optimizer: str = "adam"  # rate-distortion objectives: "adam" or "soap" (nvc.optimizers); the VQ GAN keeps Adam
    learning_rate: float = 1e-4
    auxiliary_learning_rate: float = 1e-3
    final_learning_rate_fraction: float = 0.1  # cosine decay to this over total_steps
    total_steps: int = 20000
    gradient_clip: float = 1.0
    # VQ autoencoder (architecture "vq") only:
    ms_ssim_weight: float = 0.2  # weight of 1 - MS-SSIM next to the L1 loss
    adversarial_weight: float = 0.1  # weight of the generator's hinge loss
    adversarial_start: int = 2000  # steps of reconstruction-only training before the GAN starts
    discriminator_learning_rate: float = 1e-4
    prior_learning_rate: float = 1e-3
    log_every: int = 50
    validate_every: int = 500
    checkpoint_every: int = 200
    seed: int = 0
    bf16: bool = True  # autocast the transforms; entropy models always run in fp32
    channels_last: bool = True
    compile: bool = False  # torch.compile the training network
    max_images: int = 0  # 0: all images (clips); small numbers are for smoke tests

    def to_dict(self) -> dict:
        """Plain dict, for checkpoints and manifests."""
        return asdict(self)


def config_from_dict(values: dict) -> TrainConfig:
    """Build a config from a (possibly partial) dict, rejecting unknown keys."""
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown training config keys: {sorted(unknown)}")
    values = dict(values)
    if values.get("optimizer", TrainConfig.optimizer) not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer '{values['optimizer']}' (known: {', '.join(OPTIMIZERS)})")
    model = architecture_config(values.get("architecture", TrainConfig.architecture), values.pop("model", {}))
    return replace(TrainConfig(), model=model, **values)


def load_config(path: str | Path, overrides: dict | None = None) -> TrainConfig:
    """Read a TOML config file; its keys override the defaults, then ``overrides`` apply (a
    dotted key such as ``model.lambdas`` sets a key of a table)."""
    with open(path, "rb") as handle:
        values = tomllib.load(handle)
    for key, value in (overrides or {}).items():
        *tables, name = key.split(".")
        table = values
        for part in tables:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                raise ValueError(f"cannot set '{key}': '{part}' is not a table of the training config")
        table[name] = value
    return config_from_dict(values)
