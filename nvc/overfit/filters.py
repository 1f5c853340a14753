"""Polyphase FIR filtering along one axis, as strided multiply-adds with a hand-written
backward pass.

``polyphase(x, kernels, starts, dim, length)`` gives, for each row k of ``kernels`` (phases x
taps), ``y_k[i] = sum_j kernels[k, j] * x[i + starts[k] + j]`` along ``dim`` for i < length, and
interleaves the
phases (y_0[0], y_1[0], y_0[1], ...). One phase is a plain correlation; two phases upsample
2x. Each tap is one pass over memory, forward and backward, where PyTorch's grouped
(transposed) convolutions make many more on a CPU.
"""

from __future__ import annotations

import torch


def _interleave(phases: list[torch.Tensor], dim: int) -> torch.Tensor:
    if len(phases) == 1:
        return phases[0]
    stacked = torch.stack(phases, dim + 1 if dim >= 0 else dim)  # (..., L, P, ...)
    shape = list(phases[0].shape)
    shape[dim] *= len(phases)
    return stacked.reshape(shape)


def _phase(tensor: torch.Tensor, dim: int, phase: int, phases: int) -> torch.Tensor:
    return tensor.unflatten(dim, (-1, phases)).select(dim + 1 if dim >= 0 else dim, phase)


class Polyphase(torch.autograd.Function):
    """The filter as an autograd function (see the module docstring).

    The backward pass works on flat views: with the phase's gradient zero-padded to x's
    length along ``dim`` (``padded``), tap j's gradient is ``dot(padded, x shifted by j)``
    and x's gradient gains ``tap * padded`` shifted by j, both contiguous 1-D operations
    (the zero padding keeps a shift from leaking into the next row or channel).
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, kernels: torch.Tensor, starts: tuple[int, ...], dim: int, length: int) -> torch.Tensor:
        x = x.contiguous()
        taps = kernels.tolist()
        phases = []
        for row, start in zip(taps, starts):
            y = x.narrow(dim, start, length) * row[0]
            for j in range(1, len(row)):
                y.add_(x.narrow(dim, start + j, length), alpha=row[j])
            phases.append(y)
        ctx.save_for_backward(x, kernels)
        ctx.starts, ctx.dim, ctx.length = starts, dim, length
        return _interleave(phases, dim)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        x, kernels = ctx.saved_tensors
        dim, length = ctx.dim, ctx.length
        taps = kernels.tolist()
        step = x.stride(dim)
        flat_x = x.view(-1)
        grad_x = torch.zeros_like(x)
        flat_grad_x = grad_x.view(-1)
        padded = torch.zeros_like(x)
        flat_padded = padded.view(-1)
        size = flat_x.numel()
        grad_kernels = torch.zeros_like(kernels)
        for p, (row, start) in enumerate(zip(taps, ctx.starts)):
            padded.narrow(dim, 0, length).copy_(_phase(grad, dim, p, len(taps)) if len(taps) > 1 else grad)
            for j, tap in enumerate(row):
                shift = (start + j) * step
                flat_grad_x[shift:].add_(flat_padded[: size - shift], alpha=tap)
                grad_kernels[p, j] = torch.dot(flat_padded[: size - shift], flat_x[shift:])
        return grad_x, grad_kernels, None, None, None


def polyphase(x: torch.Tensor, kernels: torch.Tensor, starts: tuple[int, ...], dim: int, length: int) -> torch.Tensor:
    """Filter ``x`` along ``dim`` by the (phases, taps) ``kernels``, phase k starting at
    ``starts[k]``; ``length`` outputs per phase."""
    return Polyphase.apply(x, kernels, starts, dim, length)
