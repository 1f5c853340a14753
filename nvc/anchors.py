"""The checkerboard of anchor positions that two-pass context models share (the image
family's checkerboard model, the VQ family's index prior): anchors are coded first, the
other half given them."""

from __future__ import annotations

import torch


def checkerboard(height: int, width: int) -> torch.Tensor:
    """(height, width) bool map of the anchor positions, where row + column is even."""
    rows, columns = torch.arange(height)[:, None], torch.arange(width)[None, :]
    return (rows + columns) % 2 == 0
