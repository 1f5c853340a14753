"""The overfitted family's parts against plain autograd: rate, ARM gradients, filters, layout."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from nvc.overfit.arm import Arm, ArmRate, band_bits_and_gradients
from nvc.overfit.config import OverfitConfig
from nvc.overfit.context import GUTTER, TiledLayout, context_offsets, front_slope
from nvc.overfit.filters import polyphase
from nvc.overfit.rate import laplace_bits, laplace_bits_and_slopes, log_scale
from nvc.overfit.synthesis import Synthesis
from nvc.overfit.upsampling import BICUBIC_HALF, Upsampling, symmetric, upsample2x


def reference_bits(x: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    """-log2 of the Laplace mass of [x - 1/2, x + 1/2] from the CDF, floored as the coder does."""
    b = torch.exp(log_scale(raw))

    def cdf(t):
        return 0.5 - 0.5 * torch.sign(t) * torch.expm1(-t.abs() / b)

    return -torch.log2((cdf(x + 0.5) - cdf(x - 0.5)).clamp_min(2**-16))


def test_closed_form_rate_and_slopes_match_the_cdf():
    torch.manual_seed(0)
    x = (torch.randn(20000, dtype=torch.float64) * 3).requires_grad_()
    raw = (torch.randn(20000, dtype=torch.float64) * 3).requires_grad_()
    reference = reference_bits(x, raw)
    reference.sum().backward()
    bits, d_x, d_raw = laplace_bits_and_slopes(x.detach(), raw.detach())
    assert torch.allclose(bits, reference, atol=1e-9)
    assert torch.allclose(laplace_bits(x.detach(), raw.detach()), reference, atol=1e-9)
    assert torch.allclose(d_x, x.grad, atol=1e-8)
    assert torch.allclose(d_raw, raw.grad, atol=1e-8)


def test_one_pass_arm_rate_matches_autograd():
    torch.manual_seed(1)
    arm = Arm(12, 2).double()
    for parameter in arm.parameters():
        parameter.data.normal_(0, 0.3)
    grids = [(torch.randn(h, w, dtype=torch.float64) * 2).requires_grad_() for h, w in [(40, 75), (20, 38)]]
    layouts = tuple(TiledLayout(*g.shape, tile=16) for g in grids)
    masks = tuple(layout.real_mask().double() for layout in layouts)
    total = ArmRate.apply(layouts, masks, arm.offsets, band_bits_and_gradients, *grids, *arm.weights())
    total.backward()
    ours = [g.grad.clone() for g in grids] + [w.grad.clone() for w in arm.weights()]
    for tensor in [*grids, *arm.weights()]:
        tensor.grad = None
    reference = 0
    for grid, layout, mask in zip(grids, layouts, masks):
        tiled = layout.to_tiled(grid)
        height, width = tiled.shape
        contexts = torch.stack([tiled[GUTTER + dy : height + dy, GUTTER + dx : width - GUTTER + dx]
                                for dy, dx in arm.offsets], -1).reshape(-1, 12)
        out = arm(contexts)
        x = tiled[GUTTER:, GUTTER : width - GUTTER].reshape(-1) - out[:, 0]
        reference = reference + (reference_bits(x, out[:, 1]) * mask[GUTTER:, GUTTER : width - GUTTER].reshape(-1)).sum()
    reference.backward()
    assert torch.allclose(total, reference)
    for a, b in zip(ours, [g.grad for g in grids] + [w.grad for w in arm.weights()]):
        assert torch.allclose(a, b, atol=1e-7, rtol=1e-6)


def test_polyphase_filter_gradients():
    x = torch.randn(2, 3, 9, 13, dtype=torch.float64, requires_grad=True)
    two = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    one = torch.randn(1, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, k: polyphase(x, k, (0, 1), -1, 9), (x, two))
    assert torch.autograd.gradcheck(lambda x, k: polyphase(x, k, (0, 1), -2, 5), (x, two))
    assert torch.autograd.gradcheck(lambda x, k: polyphase(x, k, (0,), -1, 7), (x, one))


def test_polyphase_is_a_correlation():
    x = torch.randn(1, 1, 6, 20)
    kernel = torch.randn(1, 7)
    expected = F.conv2d(x, kernel.view(1, 1, 1, 7))
    assert torch.allclose(polyphase(x, kernel, (0,), -1, 14), expected, atol=1e-6)


def test_bicubic_upsampling_interpolates_a_ramp():
    ramp = torch.arange(10.0).view(1, 1, 1, 10).expand(1, 1, 6, 10)
    out = upsample2x(ramp, symmetric(torch.tensor(BICUBIC_HALF), odd=False), 12, 20)[0, 0, 3]
    inner = torch.arange(4, 16)
    assert torch.allclose(out[inner], inner / 2 - 0.25)  # output 2i + c sits at i + (2c - 1) / 4


def test_tiled_layout_round_trip_and_gutters():
    grid = torch.arange(1.0, 1 + 37 * 50).reshape(37, 50)
    layout = TiledLayout(37, 50, tile=16)
    tiled = layout.to_tiled(grid)
    assert tiled.shape == layout.shape
    assert torch.equal(layout.from_tiled(tiled), grid)
    assert int((tiled != 0).sum()) == grid.numel() == int(layout.real_mask().sum())
    assert torch.all(tiled[:GUTTER] == 0) and torch.all(tiled[:, :GUTTER] == 0)


def test_every_neighbour_is_on_an_earlier_front():
    for count in (4, 8, 12, 16):
        offsets = context_offsets(count)
        slope = front_slope(offsets)
        assert all(dx + slope * dy < 0 for dy, dx in offsets)
    assert front_slope(((-1, 0), (-2, 5))) == 3  # raised for a far neighbour: the smallest slope that works


def test_parameter_array_count_matches_the_networks():
    for config in (OverfitConfig(), OverfitConfig(levels=3, context=4, arm_hidden=0, synthesis_width=5)):
        networks = Arm(config.context, config.arm_hidden), Upsampling(config.levels), Synthesis(config.levels, config.synthesis_width)
        assert config.parameter_arrays() == sum(len(group) for network in networks for group in network.weights_and_biases())
