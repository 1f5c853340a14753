"""Pixels as network tensors and back: the torch side of ``nvc.pixels`` (which stays
torch-free, so that ``import nvc`` does not load torch)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def pixels_to_tensor(pixels: np.ndarray, stride: int) -> torch.Tensor:
    """(H, W, 3) uint8 to a (1, 3, H', W') float tensor in [0, 1], edge-padded to multiples of ``stride``."""
    # A copy: pixels may be a read-only view (np.asarray of a PIL image), for which
    # torch.from_numpy prints a UserWarning on stderr.
    x = torch.from_numpy(np.array(pixels, copy=True)).permute(2, 0, 1)[None].float().div(255.0)
    return pad_to_stride(x, stride)


def pad_to_stride(x: torch.Tensor, stride: int) -> torch.Tensor:
    """(1, C, H, W) edge-padded on the right and bottom to multiples of ``stride``."""
    height, width = x.shape[2:]
    return F.pad(x, (0, -width % stride, 0, -height % stride), mode="replicate")


def tensor_to_pixels(x_hat: torch.Tensor, height: int, width: int) -> np.ndarray:
    """A decoded (1, 3, H', W') tensor cropped to (height, width), clamped, as uint8 (H, W, 3)."""
    x_hat = x_hat[0, :, :height, :width].clamp(0, 1)
    return x_hat.mul(255).round().byte().permute(1, 2, 0).contiguous().numpy()
