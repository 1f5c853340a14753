"""Shared fixtures: a tiny randomly initialised model registered under a test name."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import ExifTags, Image, ImageCms

from nvc import registry
from nvc.image.config import CheckerboardConfig, HyperpriorConfig
from nvc.image.hyperprior import GainedHyperprior
from nvc.registry import IMAGE, ModelEntry, register_model
from nvc.weights import save_state_dict

TINY_MODEL = "test-tiny"
CONTEXT_CONFIG = CheckerboardConfig(channels=8, latent_channels=12, slices=(2, 2, 8), context_channels=8)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> str:
    """Register a tiny random-weight model (fast on CPU) and return its name."""
    torch.manual_seed(0)
    config = HyperpriorConfig(channels=8, latent_channels=12)
    network = GainedHyperprior(config)
    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    digest = save_state_dict(network.state_dict(), path)
    register_model(ModelEntry(TINY_MODEL, "0", "hyperprior", path, digest.hex(), config, "test model"))
    return TINY_MODEL


@pytest.fixture
def photo_like() -> np.ndarray:
    """A smooth 48x80 RGB test image with some texture (uint8)."""
    rows, cols = np.mgrid[0:48, 0:80]
    rng = np.random.default_rng(0)
    base = np.stack([rows * 4, cols * 3, (rows + cols) * 2], axis=2) % 256
    return np.clip(base + rng.integers(-8, 9, base.shape), 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def register_network(tmp_path_factory):
    """A function that builds ``config``'s network from ``seed`` (leaving the global RNG as
    it was), lets ``adjust`` edit its weights, and registers it (fp32) as a test model."""

    def register(name: str, config, seed: int, adjust=None, description: str = "test model", role: str = IMAGE,
                 family: str = "hyperprior") -> str:
        state = torch.random.get_rng_state()
        torch.manual_seed(seed)
        network = config.build()
        torch.random.set_rng_state(state)
        if adjust is not None:
            with torch.no_grad():
                adjust(network)
        path = tmp_path_factory.mktemp(name) / f"{name}.safetensors"
        digest = save_state_dict(network.state_dict(), path, half=False)
        register_model(ModelEntry(name, "0", family, path, digest.hex(), config, description, role))
        return name

    return register


@pytest.fixture(scope="session")
def textured_image() -> np.ndarray:
    """A 96x160 RGB image: gradients plus strong noise, so latents vary (uint8)."""
    rows, cols = np.mgrid[0:96, 0:160]
    noise = np.random.default_rng(4).integers(-30, 31, (96, 160, 3))
    return np.clip(np.stack([rows * 2, cols, rows + cols], axis=2) % 256 + noise, 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def srgb_profile() -> bytes:
    """An RGB ICC profile (littleCMS's sRGB, 588 bytes)."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture(scope="session")
def camera_exif():
    """A function of an EXIF orientation (None: no tag) that returns EXIF bytes as Pillow
    gives them (with JPEG's ``Exif\\0\\0`` prefix) holding it and, unless ``make`` is None,
    the camera's make."""

    def build(orientation: int | None = None, make: str | None = "nvc test camera") -> bytes:
        exif = Image.Exif()
        if orientation is not None:
            exif[ExifTags.Base.Orientation] = orientation
        if make is not None:
            exif[ExifTags.Base.Make] = make
        return exif.tobytes()

    return build


def amplify(network) -> None:
    """Latents large enough to give varied symbols, and context corrections that matter."""
    network.g_a[-1].weight.mul_(100.0)
    network.g_a[-1].bias.mul_(100.0)
    for net in network.parameter_nets:
        net[-1].weight.normal_(0.0, 0.5)
    network.h_s[-1].bias.view(2, -1)[0].fill_(2.0)  # scales of a few quantization steps


@pytest.fixture(scope="session")
def context_model(register_network) -> str:
    """A tiny registered context model whose latents and context corrections are large
    enough to matter (and whose latents refinement can improve)."""
    yield register_network("test-context", CONTEXT_CONFIG, 2, amplify, "test context model")
    registry._MODELS.pop("test-context", None)
