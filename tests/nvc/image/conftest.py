"""A tiny registered context model whose latents and context corrections are large enough to matter."""

from __future__ import annotations

import pytest

from nvc import registry
from nvc.image.config import CheckerboardConfig

CONFIG = CheckerboardConfig(channels=8, latent_channels=12, slices=(2, 2, 8), context_channels=8)


def amplify(network) -> None:
    """Latents large enough to give varied symbols, and context corrections that matter."""
    network.g_a[-1].weight.mul_(100.0)
    network.g_a[-1].bias.mul_(100.0)
    for net in network.parameter_nets:
        net[-1].weight.normal_(0.0, 0.5)
    network.h_s[-1].bias.view(2, -1)[0].fill_(2.0)  # scales of a few quantization steps


@pytest.fixture(scope="session")
def context_model(register_network) -> str:
    yield register_network("test-context", CONFIG, 2, amplify, "test context model")
    registry._MODELS.pop("test-context", None)


