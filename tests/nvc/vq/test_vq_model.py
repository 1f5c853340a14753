"""The VQ autoencoder: shapes, sub-codebooks, and the index prior's code length."""

from __future__ import annotations

import math

import pytest
import torch

from nvc.vq.config import VQConfig

TINY = VQConfig(channels=16, code_dimension=4, codebook_size=64, stages=2, sub_codebooks=(4, 16),
                prior_channels=16, embedding_channels=8)


@pytest.fixture
def network():
    torch.manual_seed(0)
    return TINY.build()


def test_training_path_shapes_and_gradients(network):
    x = torch.rand(2, 3, 32, 48)
    out = network(x)
    assert out["x_hat"].shape == x.shape and out["indices"].shape == (2, 8, 12)
    (out["x_hat"].pow(2).mean() + out["commitment"]).backward()
    assert network.encoder[0].weight.grad.abs().sum() > 0
    assert network.quantizer.projection.weight.grad.abs().sum() > 0


def test_sub_codebooks_come_from_kmeans_of_the_full_one(network):
    assert TINY.quality_levels == 3 and TINY.codebook_sizes == (4, 16, 64)
    network.derive_sub_codebooks()
    small = network.codebook(0)
    assert small.shape == (4, 4) and small.abs().sum() > 0
    x = torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        for level, size in enumerate(TINY.codebook_sizes):
            indices = network.indices(x, level)
            assert indices.max() < size
            assert network.decode(indices, level).shape == x.shape
    state = network.state_dict()
    assert "sub_codebook_4" in state and "sub_codebook_16" in state


def test_prior_bits_start_at_log2_k_and_learn(network):
    prior = network.priors[2]
    indices = torch.randint(64, (2, 8, 8))
    assert prior.bits(indices).item() == pytest.approx(2 * 64 * math.log2(64), rel=0.02)
    constant = torch.full((4, 8, 8), 7)
    optimizer = torch.optim.Adam(prior.parameters(), lr=0.05)
    for _ in range(30):
        optimizer.zero_grad()
        prior.bits(constant).backward()
        optimizer.step()
    assert prior.bits(constant).item() / constant.numel() < 2.0  # from log2(64) = 6 bits
