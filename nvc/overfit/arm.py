"""The autoregressive entropy model (ARM): a small MLP from a latent's causal context to
the mean and scale of its Laplace, shared by all grids.

    context (N neighbours) -> [residual layer: x <- relu(x + W x + b)] x hidden
                           -> linear -> (mean, raw scale)

Training evaluates it band by band in one pass that returns the bits *and* their
gradients (``band_bits_and_gradients``): the rate is a plain sum, so nothing has to be kept
for a backward pass, and every temporary stays small enough for the cache. ``ArmRate``
wraps that pass as an autograd function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from nvc.overfit.context import GUTTER, TiledLayout, context_offsets
from nvc.overfit.rate import laplace_bits, laplace_bits_and_slopes

BAND_ROWS = 64  # layout rows per band: few enough ops, temporaries of a few MB


class Arm(nn.Module):
    """The ARM's parameters: ``hidden`` residual layers of width ``context``, then 2 outputs."""

    def __init__(self, context: int, hidden: int):
        super().__init__()
        self.offsets = context_offsets(context)
        self.hidden = nn.ParameterList()
        for _ in range(hidden):  # residual layers start as the identity
            self.hidden.append(nn.Parameter(torch.zeros(context, context)))
            self.hidden.append(nn.Parameter(torch.zeros(context)))
        self.out_weight = nn.Parameter(torch.randn(2, context) * 0.25 / context)
        self.out_bias = nn.Parameter(torch.zeros(2))

    def weights(self) -> tuple[torch.Tensor, ...]:
        """All parameters in the order ``band_bits_and_gradients`` takes them."""
        return (*self.hidden, self.out_weight, self.out_bias)

    def weights_and_biases(self) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
        """The parameters, split into weights and biases (they are quantized with different steps)."""
        return [*self.hidden[::2], self.out_weight], [*self.hidden[1::2], self.out_bias]

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:
        """(n, context) neighbour values -> (n, 2) mean and raw scale (plain autograd)."""
        x = contexts
        for weight, bias in zip(self.hidden[::2], self.hidden[1::2]):
            x = torch.relu(torch.addmm(bias, x, weight.t()) + x)
        return torch.addmm(self.out_bias, x, self.out_weight.t())


def gather_contexts(band: torch.Tensor, offsets: Sequence[tuple[int, int]]) -> torch.Tensor:
    """(rows * columns, N) contexts of the inner positions of a tiled-layout band whose
    first ``GUTTER`` rows lie above the positions (columns: all but ``GUTTER`` each side)."""
    rows, width = band.shape[0] - GUTTER, band.shape[1] - 2 * GUTTER
    shifted = [band[GUTTER + dy : GUTTER + dy + rows, GUTTER + dx : GUTTER + dx + width] for dy, dx in offsets]
    return torch.stack(shifted, -1).reshape(rows * width, len(offsets))


def scatter_contexts(gradient: torch.Tensor, offsets: Sequence[tuple[int, int]], rows: int, width: int) -> torch.Tensor:
    """Adjoint of ``gather_contexts``: (rows * columns, N) -> a band-shaped gradient."""
    per_offset = gradient.reshape(rows, width, len(offsets))
    band = gradient.new_zeros(rows + GUTTER, width + 2 * GUTTER)
    for k, (dy, dx) in enumerate(offsets):
        band[GUTTER + dy : GUTTER + dy + rows, GUTTER + dx : GUTTER + dx + width] += per_offset[..., k]
    return band


def _layer_matrices(weights: tuple[torch.Tensor, ...]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(I + W, b) of every residual layer: relu(x + W x + b) is one product with I + W."""
    identity = torch.eye(weights[0].shape[1], dtype=weights[0].dtype, device=weights[0].device)
    return [(weights[i] + identity, weights[i + 1]) for i in range(0, len(weights) - 2, 2)]


def _band_forward(band: torch.Tensor, width: int, offsets, layers, out_weight, out_bias):
    """(each layer's input, the output (n, 2), the symbols (n,)) of a tiled-layout band."""
    inputs = [gather_contexts(band, offsets)]
    for matrix, bias in layers:
        inputs.append(torch.addmm(bias, inputs[-1], matrix.t()).relu_())
    out = torch.addmm(out_bias, inputs[-1], out_weight.t())
    return inputs, out, band[GUTTER:, GUTTER : GUTTER + width].reshape(-1)


def band_bits(band: torch.Tensor, mask: torch.Tensor, offsets: tuple[tuple[int, int], ...],
              weights: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """Bits of the masked positions of a tiled-layout band (see ``band_bits_and_gradients``)."""
    _, out, symbols = _band_forward(band, mask.shape[1], offsets, _layer_matrices(weights), weights[-2], weights[-1])
    return (laplace_bits(symbols - out[:, 0], out[:, 1]) * mask.reshape(-1)).sum()


def band_bits_and_gradients(band: torch.Tensor, mask: torch.Tensor, offsets: tuple[tuple[int, int], ...],
                            weights: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """Bits of the masked positions of a tiled-layout band, and the gradients of those bits
    with respect to the band and to every ARM weight. ``mask`` is (rows, columns) of the inner
    positions. Returns (bits, band gradient, *weight gradients)."""
    rows, width = mask.shape
    layers = _layer_matrices(weights)
    out_weight = weights[-2]
    inputs, out, symbols = _band_forward(band, width, offsets, layers, out_weight, weights[-1])
    weight_mask = mask.reshape(-1)
    bits, d_symbol, d_raw = laplace_bits_and_slopes(symbols - out[:, 0], out[:, 1])
    d_out = torch.stack([d_symbol, d_raw], 1).mul_(weight_mask[:, None])
    d_out[:, 0].neg_()  # the mean enters as symbol - mean
    gradients = [d_out.t() @ inputs[-1], d_out.sum(0)]
    d_x = d_out @ out_weight
    for (matrix, _), x, y in zip(reversed(layers), reversed(inputs[:-1]), reversed(inputs[1:])):
        d_pre = torch.ops.aten.threshold_backward(d_x, y, 0)
        gradients[:0] = [d_pre.t() @ x, d_pre.sum(0)]
        d_x = d_pre @ matrix
    band_gradient = scatter_contexts(d_x, offsets, rows, width)
    band_gradient[GUTTER:, GUTTER : GUTTER + width] -= d_out[:, 0].view(rows, width)
    return ((bits * weight_mask).sum(), band_gradient, *gradients)


BandFunction = Callable[..., tuple[torch.Tensor, ...]]


def _bands(tiled: torch.Tensor, mask: torch.Tensor):
    """(top, bottom, band with its GUTTER rows above, mask of its inner positions) of each
    band of ``BAND_ROWS`` layout rows."""
    height, width = tiled.shape
    for top in range(GUTTER, height, BAND_ROWS):
        bottom = min(height, top + BAND_ROWS)
        yield top, bottom, tiled[top - GUTTER : bottom], mask[top:bottom, GUTTER : width - GUTTER]


def grid_bits_and_gradients(tiled: torch.Tensor, mask: torch.Tensor, offsets: tuple[tuple[int, int], ...],
                            weights: tuple[torch.Tensor, ...], band_function: BandFunction = band_bits_and_gradients):
    """Bits of one grid in the tiled layout (``mask``: its real positions), and gradients
    with respect to the layout and the weights, band by band."""
    total = tiled.new_zeros(())
    layout_gradient = torch.zeros_like(tiled)
    weight_gradients = [torch.zeros_like(w) for w in weights]
    for top, bottom, band, band_mask in _bands(tiled, mask):
        bits, band_gradient, *gradients = band_function(band, band_mask, offsets, weights)
        total += bits
        layout_gradient[top - GUTTER : bottom] += band_gradient
        for accumulated, gradient in zip(weight_gradients, gradients):
            accumulated += gradient
    return total, layout_gradient, weight_gradients


@torch.no_grad()
def grid_bits(tiled: torch.Tensor, mask: torch.Tensor, offsets: tuple[tuple[int, int], ...],
              weights: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """Bits of one grid in the tiled layout, band by band, without gradients."""
    return sum(band_bits(band, band_mask, offsets, weights) for _, _, band, band_mask in _bands(tiled, mask))


class ArmRate(torch.autograd.Function):
    """Total bits of all grids (tiled layouts) under the ARM, with gradients from one pass."""

    @staticmethod
    def forward(ctx, layouts: tuple[TiledLayout, ...], masks, offsets, band_function, *tensors):
        grids, weights = tensors[: len(layouts)], tensors[len(layouts) :]
        total = grids[0].new_zeros(())
        grid_gradients = []
        weight_gradients = [torch.zeros_like(w) for w in weights]
        for layout, mask, grid in zip(layouts, masks, grids):
            tiled = layout.to_tiled(grid.detach())
            bits, tiled_gradient, gradients = grid_bits_and_gradients(tiled, mask, offsets, tuple(w.detach() for w in weights), band_function)
            total += bits
            grid_gradients.append(layout.from_tiled(tiled_gradient))
            for accumulated, gradient in zip(weight_gradients, gradients):
                accumulated += gradient
        ctx.save_for_backward(*grid_gradients, *weight_gradients)
        return total

    @staticmethod
    def backward(ctx, grad_output):
        return (None, None, None, None, *(grad_output * g for g in ctx.saved_tensors))
