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
    """The filter as an autograd function (see the module docstring)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, kernels: torch.Tensor, starts: tuple[int, ...], dim: int, length: int) -> torch.Tensor:
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
        grad_x = torch.zeros_like(x)
        grad_kernels = torch.zeros_like(kernels)
        for p, (row, start) in enumerate(zip(taps, ctx.starts)):
            g = (_phase(grad, dim, p, len(taps)) if len(taps) > 1 else grad).contiguous()
            for j, tap in enumerate(row):
                grad_x.narrow(dim, start + j, length).add_(g, alpha=tap)
                grad_kernels[p, j] = torch.tensordot(g, x.narrow(dim, start + j, length), dims=g.dim())
        return grad_x, grad_kernels, None, None, None


def polyphase(x: torch.Tensor, kernels: torch.Tensor, starts: tuple[int, ...], dim: int, length: int) -> torch.Tensor:
    """Filter ``x`` along ``dim`` by the (phases, taps) ``kernels``, phase k starting at
    ``starts[k]``; ``length`` outputs per phase."""
    return Polyphase.apply(x, kernels, starts, dim, length)
