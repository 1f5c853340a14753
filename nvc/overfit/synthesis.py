"""The synthesis: per pixel, a small MLP (1x1 convolutions) from the upsampled latent
stack to RGB, then two residual 3x3 convolutions (borders replicated).

    stack (levels) -> relu(W1 . + b1) (width) -> W2 . + b2 (3) -> + conv3x3, relu -> + conv3x3

The per-pixel MLP runs on channels-last rows in chunks small enough for the cache, and its
backward pass recomputes the hidden layer instead of storing it (``PixelMlp``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

CHUNK_PIXELS = 8192
OUTPUT_CHANNELS = 3


class PixelMlp(torch.autograd.Function):
    """(n, c) -> (n, 3): relu(x W1^T + b1) W2^T + b2, chunk by chunk."""

    @staticmethod
    def forward(ctx, x, w1, b1, w2, b2):
        out = x.new_empty(x.shape[0], w2.shape[0])
        for start in range(0, x.shape[0], CHUNK_PIXELS):
            hidden = torch.addmm(b1, x[start : start + CHUNK_PIXELS], w1.t()).relu_()
            torch.addmm(b2, hidden, w2.t(), out=out[start : start + CHUNK_PIXELS])
        ctx.save_for_backward(x, w1, b1, w2)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w1, b1, w2 = ctx.saved_tensors
        grad_x = torch.empty_like(x)
        grad_w1, grad_b1, grad_w2 = torch.zeros_like(w1), torch.zeros_like(b1), torch.zeros_like(w2)
        for start in range(0, x.shape[0], CHUNK_PIXELS):
            rows, grad_rows = x[start : start + CHUNK_PIXELS], grad[start : start + CHUNK_PIXELS]
            hidden = torch.addmm(b1, rows, w1.t()).relu_()
            grad_w2.addmm_(grad_rows.t(), hidden)
            grad_hidden = torch.ops.aten.threshold_backward(grad_rows @ w2, hidden, 0)
            grad_w1.addmm_(grad_hidden.t(), rows)
            grad_b1 += grad_hidden.sum(0)
            torch.mm(grad_hidden, w1, out=grad_x[start : start + CHUNK_PIXELS])
        return grad_x, grad_w1, grad_b1, grad_w2, grad.sum(0)


def _uniform(shape: tuple[int, ...], fan_in: int, fan_out: int) -> torch.Tensor:
    """Cool-chic's initialisation: PyTorch's default range divided by fan_out squared."""
    bound = 1.0 / (fan_out**2 * fan_in**0.5)
    return torch.empty(shape).uniform_(-bound, bound)


class Synthesis(nn.Module):
    """The synthesis network for a stack of ``inputs`` channels and a hidden ``width``."""

    def __init__(self, inputs: int, width: int):
        super().__init__()
        self.w1 = nn.Parameter(_uniform((width, inputs), inputs, width))
        self.b1 = nn.Parameter(torch.zeros(width))
        self.w2 = nn.Parameter(_uniform((OUTPUT_CHANNELS, width), width, OUTPUT_CHANNELS))
        self.b2 = nn.Parameter(torch.zeros(OUTPUT_CHANNELS))
        self.residual = nn.ParameterList(
            [nn.Parameter(torch.zeros(OUTPUT_CHANNELS, OUTPUT_CHANNELS, 3, 3)) for _ in range(2)]
            + [nn.Parameter(torch.zeros(OUTPUT_CHANNELS)) for _ in range(2)]
        )

    def weights_and_biases(self) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
        """The parameters, split into weights and biases."""
        return [self.w1, self.w2, self.residual[0], self.residual[1]], [self.b1, self.b2, self.residual[2], self.residual[3]]

    def forward(self, stack: torch.Tensor) -> torch.Tensor:
        """(1, inputs, H, W) -> (1, 3, H, W), in channels-last memory format."""
        _, channels, height, width = stack.shape
        rows = stack[0].permute(1, 2, 0).reshape(-1, channels)
        pixels = PixelMlp.apply(rows, self.w1, self.b1, self.w2, self.b2)
        # a channels-last view: oneDNN's 3x3 convolutions are 2-3x faster on it than on NCHW
        x = pixels.reshape(1, height, width, OUTPUT_CHANNELS).permute(0, 3, 1, 2)
        for index in range(2):
            convolved = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), self.residual[index], self.residual[2 + index])
            x = x + convolved
            if index == 0:
                x = torch.relu(x)
        return x
