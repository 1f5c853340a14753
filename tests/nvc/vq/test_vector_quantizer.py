"""SimVQ quantization, utilization and the k-means sub-codebooks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nvc.vq.vector_quantizer import SimVQ, kmeans, lookup, nearest, utilization


def test_quantize_picks_nearest_codes_and_passes_gradients_straight_through():
    torch.manual_seed(0)
    quantizer = SimVQ(64, 4)
    latent = torch.randn(2, 4, 3, 5, requires_grad=True)
    out = quantizer(latent)
    assert out.indices.shape == (2, 3, 5) and out.values.shape == latent.shape
    codebook = quantizer.codebook.detach()
    torch.testing.assert_close(out.values.detach(), lookup(codebook, out.indices))
    brute = ((latent.detach().permute(0, 2, 3, 1)[..., None, :] - codebook) ** 2).sum(-1).argmin(-1)
    assert torch.equal(out.indices, brute)
    (out.values.sum() + out.commitment).backward()
    assert latent.grad is not None and quantizer.projection.weight.grad.abs().sum() > 0
    assert quantizer.basis.requires_grad is False


def test_nearest_and_utilization():
    codebook = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    assert nearest(torch.tensor([[9.0, 1.0], [1.0, 1.0]]), codebook).tolist() == [1, 0]
    assert utilization(torch.tensor([[0, 1], [1, 1]]), 4) == pytest.approx(0.5)


def test_kmeans_is_deterministic_and_uses_every_cluster():
    rng = np.random.default_rng(0)
    blobs = np.concatenate([rng.normal(center, 0.1, (50, 2)) for center in ([0, 0], [5, 5], [0, 5], [5, 0])])
    centroids, assignment = kmeans(blobs, 4, seed=3)
    again, _ = kmeans(blobs, 4, seed=3)
    assert np.array_equal(centroids, again)
    assert sorted(np.round(centroids).astype(int).tolist()) == [[0, 0], [0, 5], [5, 0], [5, 5]]
    assert np.bincount(assignment).tolist() == [50, 50, 50, 50]
    _, assignment = kmeans(blobs[:10], 10)
    assert len(np.unique(assignment)) == 10
    with pytest.raises(ValueError):
        kmeans(blobs[:3], 4)
