"""A second random-weight model whose latents are not all zero.

The session's ``test-tiny`` model has such small latents at random initialisation that
every y symbol rounds to 0 with scale index 0 and every quality gives the same stream.
``loud_model`` scales the last analysis and hyper-synthesis layers so that y, z and the
scale indices vary (and rate grows with quality), which tests of determinism, rate and
entropy-decoder robustness need to mean anything.
"""

from __future__ import annotations

import pytest
import torch

from nvc import registry
from nvc.image.config import HyperpriorConfig
from nvc.image.hyperprior import GainedHyperprior
from nvc.registry import ModelEntry, register_model
from nvc.weights import save_state_dict

LOUD_MODEL = "test-loud"


@pytest.fixture(scope="session")
def loud_model(tmp_path_factory) -> str:
    """Register the tiny architecture with amplified latents; unregistered at session end."""
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(1)
    config = HyperpriorConfig(channels=8, latent_channels=12)
    network = GainedHyperprior(config)
    torch.random.set_rng_state(generator_state)
    with torch.no_grad():
        network.g_a[-1].weight.mul_(200.0)
        network.g_a[-1].bias.mul_(200.0)
        network.h_s[-1].weight.mul_(50.0)
    path = tmp_path_factory.mktemp("loud-weights") / "loud.safetensors"
    digest = save_state_dict(network.state_dict(), path)
    register_model(ModelEntry(LOUD_MODEL, "0", "hyperprior", path, digest.hex(), config, "test model with large latents"))
    yield LOUD_MODEL
    registry._MODELS.pop(LOUD_MODEL, None)
