"""The checkerboard / channel-slice context model: training path, coding, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nvc
from bitstream import read_container
from nvc.architectures import architecture_config
from nvc.image.config import CheckerboardConfig
from nvc.image.codec import analyse_pixels, decode_symbols, load_model
from nvc.anchors import checkerboard

CONFIG = CheckerboardConfig(channels=8, latent_channels=12, slices=(2, 2, 8), context_channels=8)  # as conftest's context_model


@pytest.fixture(scope="module")
def image(textured_image) -> np.ndarray:
    return textured_image


def test_checkerboard_pattern():
    assert checkerboard(2, 3).tolist() == [[True, False, True], [False, True, False]]


def test_training_forward_shapes_and_gradients():
    torch.manual_seed(0)
    network = CONFIG.build()
    x = torch.rand(2, 3, 64, 64)
    out = network(x, torch.tensor([0, 7]))
    assert out["x_hat"].shape == x.shape
    assert out["likelihoods"]["y"].shape == (2, 12, 4, 4) and out["likelihoods"]["z"].shape == (2, 8, 1, 1)
    out["likelihoods"]["y"].log().sum().neg().backward()
    assert all(net[-1].weight.grad.abs().sum() > 0 for net in network.parameter_nets)  # learning starts

    with torch.no_grad():  # once the corrections are non-zero, every context network learns
        for net in network.parameter_nets:
            net[-1].weight.normal_(0.0, 0.1)
    network.zero_grad()
    network(x, torch.tensor([0, 7]))["likelihoods"]["y"].log().sum().neg().backward()
    assert network.parameter_nets[2][0].weight.grad.abs().sum() > 0
    assert network.spatial_context[1].weight.grad.abs().sum() > 0
    assert network.channel_context[0][0].weight.grad.abs().sum() > 0


def test_a_new_context_model_codes_like_its_hyperprior():
    """Zero-initialised corrections: the hyperprior's weights give the hyperprior's parameters."""
    torch.manual_seed(0)
    network = CONFIG.build()
    hyper = torch.randn(1, 24, 4, 4)
    y_hat = torch.randn(1, 12, 4, 4)
    for group in network.coding_groups(4, 4):
        scales, means = network.group_parameters(hyper, y_hat, group)
        torch.testing.assert_close(scales, hyper[:, group.start : group.stop])
        torch.testing.assert_close(means, hyper[:, 12 + group.start : 12 + group.stop])


def test_slices_must_add_up():
    with pytest.raises(ValueError, match="do not add up"):
        CheckerboardConfig(latent_channels=10, slices=(4, 4))
    assert architecture_config("checkerboard", {"slices": [4, 8], "latent_channels": 12}).slices == (4, 8)
    with pytest.raises(ValueError, match="unknown architecture"):
        architecture_config("transformer", {})


@pytest.mark.parametrize("size", [(1, 1), (17, 33), (96, 160)])
def test_round_trip(context_model, image, size):
    pixels = image[: size[0], : size[1]]
    decoded = nvc.decode(nvc.encode(pixels, quality=8, model=context_model))
    assert decoded.shape == pixels.shape


def test_decoder_reproduces_symbols_with_other_thread_count(context_model, image):
    model = load_model(context_model)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        encoded = analyse_pixels(model, image, 8)
        data = nvc.encode(image, quality=8, model=context_model)
        torch.set_num_threads(2)
        decoded = decode_symbols(model, read_container(data))
    finally:
        torch.set_num_threads(previous)
    assert np.unique(encoded.scale_indices).size > 5 and np.count_nonzero(encoded.y) > encoded.y.size // 10
    assert np.array_equal(decoded.y, encoded.y) and np.array_equal(decoded.scale_indices, encoded.scale_indices)
    assert torch.equal(decoded.means, encoded.means)


def test_coding_path_matches_the_training_path(context_model, image):
    """In eval mode the training path rounds instead of adding noise: its y_hat must be the
    decoder's, which checks that both walk the slices and passes the same way."""
    model = load_model(context_model)
    network = model.network
    image = image[:64, :128]  # a multiple of 64: no padding
    x = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():
        y, _ = network.analyse(x, torch.tensor([7]))
        symbols = analyse_pixels(model, image, 8)
        z_hat = network.entropy_bottleneck.quantize(network.h_a(y), "dequantize", network.entropy_bottleneck._get_medians())
        y_hat, _ = network.latent_training(y, network.hyper_features(z_hat))
    agree = torch.isclose(y_hat, symbols.y_hat, atol=1e-4).float().mean().item()
    assert agree > 0.99
