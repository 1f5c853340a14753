"""Vector quantization for the ultra-low-rate codec: a SimVQ codebook and k-means sub-codebooks.

SimVQ (Zhu et al., 2024) keeps a frozen random basis ``B`` (K x d) and learns only a linear
map ``W``: the codebook is ``B @ W``. Every gradient step moves all K codes at once, so
none goes dead, which is what keeps codebook utilization near 100% without restarts.
Quantization is nearest-neighbour in Euclidean distance with a straight-through estimator
and the usual commitment loss.

Variable rate comes from smaller codebooks derived from the big one by k-means
(``kmeans``), as in "Extreme Image Compression using Fine-tuned VQGANs": a latent is coded
with the nearest of the k centroids instead. k-means runs once, at export, in float64
numpy with a fixed seed; the centroids are stored with the weights, so encoder and
decoder never recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

KMEANS_ITERATIONS = 50


@dataclass(frozen=True)
class Quantized:
    """What quantization gives back."""

    values: torch.Tensor  # (B, d, H, W): straight-through codes (the codes' values forward)
    indices: torch.Tensor  # (B, H, W) int64
    commitment: torch.Tensor  # scalar loss: codebook and commitment terms


def nearest(vectors: torch.Tensor, codebook: torch.Tensor) -> torch.Tensor:
    """Index of the nearest codebook row (Euclidean) for each row of ``vectors``."""
    distances = (vectors.pow(2).sum(1, keepdim=True) - 2 * vectors @ codebook.t()
                 + codebook.pow(2).sum(1)[None, :])
    return distances.argmin(dim=1)


class SimVQ(nn.Module):
    """A K-entry codebook of d-dimensional codes, parametrised as frozen basis x learned map."""

    def __init__(self, codebook_size: int, dimension: int, commitment_weight: float = 0.25):
        super().__init__()
        self.register_buffer("basis", torch.randn(codebook_size, dimension) * dimension**-0.5)
        self.projection = nn.Linear(dimension, dimension, bias=False)
        nn.init.eye_(self.projection.weight)
        self.commitment_weight = commitment_weight

    @property
    def codebook(self) -> torch.Tensor:
        """The current (K, d) codes."""
        return self.projection(self.basis)

    def forward(self, latent: torch.Tensor) -> Quantized:
        """Quantize a (B, d, H, W) latent to its nearest codes."""
        batch, dimension, height, width = latent.shape
        vectors = latent.permute(0, 2, 3, 1).reshape(-1, dimension)
        codebook = self.codebook
        indices = nearest(vectors.detach(), codebook.detach())
        codes = codebook[indices]
        commitment = (codes - vectors.detach()).pow(2).mean() + self.commitment_weight * (
            vectors - codes.detach()).pow(2).mean()
        values = vectors + (codes - vectors).detach()
        values = values.reshape(batch, height, width, dimension).permute(0, 3, 1, 2)
        return Quantized(values, indices.reshape(batch, height, width), commitment)


def lookup(codebook: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """(B, H, W) indices to (B, d, H, W) code values."""
    return codebook[indices].permute(0, 3, 1, 2)


def utilization(indices: torch.Tensor, codebook_size: int) -> float:
    """Fraction of the codebook's entries that occur in ``indices``."""
    return torch.unique(indices).numel() / codebook_size


def kmeans(points: np.ndarray, clusters: int, seed: int = 0,
           iterations: int = KMEANS_ITERATIONS) -> tuple[np.ndarray, np.ndarray]:
    """k-means (Lloyd, k-means++ start) of (n, d) points in float64; (centroids, assignment).

    Deterministic for a given seed. A cluster that empties is re-seeded with the point
    farthest from its centroid, so all ``clusters`` centroids stay in use.
    """
    points = np.asarray(points, dtype=np.float64)
    if not 1 <= clusters <= len(points):
        raise ValueError(f"cannot make {clusters} clusters of {len(points)} points")
    rng = np.random.default_rng(seed)
    centroids = [points[rng.integers(len(points))]]
    closest = ((points - centroids[0]) ** 2).sum(1)
    for _ in range(clusters - 1):  # k-means++: sample far points
        pick = rng.choice(len(points), p=closest / closest.sum()) if closest.sum() > 0 else rng.integers(len(points))
        centroids.append(points[pick])
        closest = np.minimum(closest, ((points - points[pick]) ** 2).sum(1))
    centroids = np.stack(centroids)
    for _ in range(iterations):
        distances = (points**2).sum(1)[:, None] - 2 * points @ centroids.T + (centroids**2).sum(1)[None, :]
        assignment = distances.argmin(1)
        counts = np.bincount(assignment, minlength=clusters)
        updated = np.zeros_like(centroids)
        np.add.at(updated, assignment, points)
        for empty in np.flatnonzero(counts == 0):
            farthest = distances[np.arange(len(points)), assignment].argmax()
            updated[empty], counts[empty] = points[farthest], 1
            assignment[farthest] = empty
        updated /= counts[:, None]
        if np.allclose(updated, centroids):
            break
        centroids = updated
    return centroids, assignment
