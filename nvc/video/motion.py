"""Block motion: estimation at the encoder, compensation on both sides.

A motion field holds one vector per ``BLOCK`` x ``BLOCK`` block of the frame, in
half-pixel units, as an int32 array of shape (2, block rows, block columns): vertical
then horizontal displacement of the reference pixels that predict the block.
Compensation reads the reference at those half-pixel positions (the mean of the 1, 2 or
4 nearest pixels, edges replicated) with overlapped blocks: every pixel blends the
predictions of the four nearest block vectors. It is plain float32 arithmetic that is
identical on encoder and decoder whatever the thread count.

Estimation is a full integer search of +-``SEARCH_RANGE`` pixels on luma, every
displacement evaluated for all blocks at once, followed by a half-pixel refinement;
the cost is the block's sum of absolute differences plus a small penalty on the
vector's length, which keeps vectors on flat areas short and cheap to code.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

BLOCK = 16
SEARCH_RANGE = 16  # pixels, in each direction
LENGTH_PENALTY = 4.0 / 255  # cost per half-pixel of vector length, in block SAD units
_LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)


def block_grid(height: int, width: int) -> tuple[int, int]:
    """Rows and columns of motion blocks covering a frame of this size."""
    return -(-height // BLOCK), -(-width // BLOCK)


def _sample(reference: torch.Tensor, vectors: torch.Tensor) -> torch.Tensor:
    """(C, H, W): each pixel of ``reference`` (1, C, H, W) read at its own half-pixel
    vector (``vectors``: int64 (2, H, W)), as the mean of the nearest 1, 2 or 4 pixels."""
    _, _, height, width = reference.shape
    rows = torch.arange(height).view(-1, 1) * 2 + vectors[0]  # half-pixel positions
    cols = torch.arange(width).view(1, -1) * 2 + vectors[1]
    top, left = rows.div(2, rounding_mode="floor"), cols.div(2, rounding_mode="floor")
    bottom, right = top + rows.remainder(2), left + cols.remainder(2)
    top, bottom = top.clamp(0, height - 1), bottom.clamp(0, height - 1)
    left, right = left.clamp(0, width - 1), right.clamp(0, width - 1)
    image = reference[0]
    return (image[:, top, left] + image[:, top, right] + image[:, bottom, left] + image[:, bottom, right]) * 0.25


def _field(motion: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(motion, dtype=np.int64))


def block_prediction(reference: torch.Tensor, motion: np.ndarray) -> torch.Tensor:
    """(1, C, H, W): every block read at its own vector only (what the motion search scores)."""
    _, _, height, width = reference.shape
    vectors = _field(motion).repeat_interleave(BLOCK, 1).repeat_interleave(BLOCK, 2)[:, :height, :width]
    return _sample(reference, vectors)[None]


def compensate(reference: torch.Tensor, motion: np.ndarray) -> torch.Tensor:
    """The prediction of a frame from ``reference`` (1, C, H, W) float and a motion field,
    with overlapped blocks: each pixel blends the reads at the vectors of the four blocks
    whose centres surround it, weighted bilinearly by its distance to those centres (so
    block edges do not show in the prediction). The weights are multiples of 1/BLOCK^2,
    exact in float32."""
    _, _, height, width = reference.shape
    field = _field(motion)
    rows, cols = field.shape[1:]
    along_y = (torch.arange(height) + 0.5) / BLOCK - 0.5  # position in block-centre units
    along_x = (torch.arange(width) + 0.5) / BLOCK - 0.5
    first_row, first_col = along_y.floor().long(), along_x.floor().long()
    weight_y, weight_x = (along_y - first_row).view(-1, 1), (along_x - first_col).view(1, -1)
    row_pair = (first_row.clamp(0, rows - 1), (first_row + 1).clamp(0, rows - 1))
    col_pair = (first_col.clamp(0, cols - 1), (first_col + 1).clamp(0, cols - 1))
    prediction = torch.zeros_like(reference[0])
    for row_index, row_weight in zip(row_pair, (1 - weight_y, weight_y)):
        for col_index, col_weight in zip(col_pair, (1 - weight_x, weight_x)):
            vectors = field[:, row_index][:, :, col_index]
            prediction += row_weight * col_weight * _sample(reference, vectors)
    return prediction[None]


def _block_sums(values: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """Sum of (N, H, W) values over each motion block (zero-padded to whole blocks)."""
    height, width = values.shape[-2:]
    padded = F.pad(values, (0, cols * BLOCK - width, 0, rows * BLOCK - height))
    return F.avg_pool2d(padded[:, None], BLOCK)[:, 0] * (BLOCK * BLOCK)


def _luma(frame: torch.Tensor) -> torch.Tensor:
    return (frame * _LUMA).sum(1)


@torch.no_grad()
def estimate_motion(current: torch.Tensor, reference: torch.Tensor) -> np.ndarray:
    """The motion field that predicts ``current`` from ``reference`` (both (1, 3, H, W) float)."""
    _, _, height, width = current.shape
    rows, cols = block_grid(height, width)
    extra_rows, extra_cols = rows * BLOCK - height, cols * BLOCK - width
    current_luma, reference_luma = _luma(current), _luma(reference)
    target = F.pad(current_luma[None], (0, extra_cols, 0, extra_rows), mode="replicate")[0, 0]
    margins = (SEARCH_RANGE, SEARCH_RANGE + extra_cols, SEARCH_RANGE, SEARCH_RANGE + extra_rows)
    source = F.pad(reference_luma[None], margins, mode="replicate")[0, 0].contiguous()
    count, source_width = 2 * SEARCH_RANGE + 1, source.shape[1]
    penalties = torch.arange(-SEARCH_RANGE, SEARCH_RANGE + 1).abs().view(-1, 1, 1) * 2 * LENGTH_PENALTY
    best_cost = torch.full((rows, cols), float("inf"))
    best = torch.zeros((2, rows, cols), dtype=torch.int64)
    for dy in range(-SEARCH_RANGE, SEARCH_RANGE + 1):
        # every horizontal shift of this row offset at once, as a view: candidate k starts at column k
        candidates = source.as_strided((count, *target.shape), (1, source_width, 1), (SEARCH_RANGE + dy) * source_width)
        costs = (candidates - target).abs_().view(count, rows, BLOCK, cols, BLOCK).sum((2, 4))
        costs += penalties + abs(dy) * 2 * LENGTH_PENALTY
        cost, index = costs.min(0)
        better = cost < best_cost
        best_cost = torch.where(better, cost, best_cost)
        best[0] = torch.where(better, 2 * dy, best[0])
        best[1] = torch.where(better, 2 * (index - SEARCH_RANGE), best[1])
    return _refine_half_pixel(current_luma, reference_luma, best).numpy().astype(np.int32)


def _refine_half_pixel(target: torch.Tensor, source: torch.Tensor, motion: torch.Tensor) -> torch.Tensor:
    """Try the 8 half-pixel neighbours of every block's vector; keep the cheapest."""
    rows, cols = motion.shape[1:]
    best, best_cost = motion.clone(), torch.full((rows, cols), float("inf"))
    for step_y in (-1, 0, 1):
        for step_x in (-1, 0, 1):
            candidate = motion + torch.tensor([step_y, step_x]).view(2, 1, 1)
            prediction = block_prediction(source[None], candidate.numpy())[0]
            cost = _block_sums((prediction - target).abs(), rows, cols)[0]
            cost += candidate.abs().sum(0) * LENGTH_PENALTY
            better = cost < best_cost
            best_cost = torch.where(better, cost, best_cost)
            best = torch.where(better, candidate, best)
    return best
