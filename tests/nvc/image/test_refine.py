"""Encoder-side refinement of the hyperprior family's latents (efforts normal and slow)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nvc
from nvc import registry
from nvc.image.codec import latent_symbols, load_model
from nvc.image.refine import EFFORTS, Refinement, hard_round, rate_distortion_loss, refine_latents, sga_round
from nvc.tensors import pixels_to_tensor

@pytest.fixture(scope="module")
def image(textured_image) -> np.ndarray:
    return textured_image[:70, :100]  # not a multiple of the stride: the loss must ignore the padding


def test_sga_rounds_between_floor_and_ceil_and_hardens_as_it_cools():
    torch.manual_seed(0)
    x = torch.randn(10000) * 3
    warm, cold = sga_round(x, 0.5), sga_round(x, 0.01)
    assert bool(((warm >= x.floor()) & (warm <= x.ceil())).all())
    assert (cold - x.round()).abs().mean() < 0.01 < (warm - x.round()).abs().mean()
    x.requires_grad_(True)
    sga_round(x, 0.3).sum().backward()
    assert x.grad.abs().sum() > 0


def test_the_refinement_path_rounds_as_the_coder_does(context_model, image):
    """With hard rounding, the differentiable path gives the y_hat that coding gives."""
    model = load_model(context_model)
    x = pixels_to_tensor(image, 64)
    with torch.no_grad():
        y, z = model.network.analyse(x, torch.tensor([3]))
        symbols = latent_symbols(model, y, z)
        medians = model.network.entropy_bottleneck._get_medians().reshape(1, -1, 1, 1)
        z_hat = hard_round(z - medians) + medians
        y_hat, _ = model.network.latent_training(y, model.network.hyper_features(z_hat), hard_round)
    assert len(np.unique(symbols.y)) > 3
    torch.testing.assert_close(y_hat, symbols.y_hat, atol=1e-4, rtol=0)


def test_refinement_lowers_the_coded_loss_and_leaves_the_weights(context_model, image):
    """The shared network keeps its weights, gradients, trainable flags and memory format
    (refinement runs on a channels_last copy), and the latents come back contiguous."""
    model = load_model(context_model)
    trainable = [p.requires_grad for p in model.network.parameters()]
    x = pixels_to_tensor(image, 64)
    target, level = x[..., :70, :100], torch.tensor([3])
    weights = {name: p.clone() for name, p in model.network.state_dict().items()}
    y, z = refine_latents(model.network, x, (70, 100), 4, Refinement(40, learning_rate=0.3))
    with torch.no_grad():
        start = rate_distortion_loss(model.network, target, *model.network.analyse(x, level), level, hard_round)
        refined = rate_distortion_loss(model.network, target, y, z, level, hard_round)
    assert refined < 0.98 * start, (refined, start)
    assert all(torch.equal(p, weights[name]) for name, p in model.network.state_dict().items())
    assert all(p.grad is None for p in model.network.parameters())
    assert [p.requires_grad for p in model.network.parameters()] == trainable
    assert all(p.is_contiguous() for p in model.network.parameters()) and y.is_contiguous() and z.is_contiguous()


def test_efforts_code_streams_that_decode_and_default_to_no_refinement(context_model, image, monkeypatch):
    monkeypatch.setitem(EFFORTS, "slow", Refinement(20, learning_rate=0.05))
    fast = nvc.encode(image, quality=4, model=context_model)
    assert fast == nvc.encode(image, quality=4, model=context_model, effort="fast")
    slow = nvc.encode(image, quality=4, model=context_model, effort="slow")
    assert slow != fast
    torch.rand(7)  # the global random state does not change the stream
    assert nvc.encode(image, quality=4, model=context_model, effort="slow") == slow
    assert nvc.decode(slow).shape == image.shape
    family = registry.get_model_entry(context_model)
    from nvc.families import family_for

    assert family_for(family).encoder_identity(family) == ""
    assert "20" in family_for(family).encoder_identity(family, "slow")
