"""Training data for the inter (P-frame) model: motion-compensated residuals of real clips.

For every pair of consecutive frames of every clip in a folder, the earlier frame is coded
and decoded with the default intra model at a random quality (as the codec's reference
would be), the later frame is predicted from it with the codec's own block motion
(``nvc.video.inter_codec.motion_prediction``), and the offset residual is kept: exactly what
``nvc.video.inter_codec`` hands the inter model. Every ``every_nth`` clip is held out for
validation. Building takes a few minutes on CPU, so the residuals are cached in a file.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import torch

from nvc.coding import decode_stream, encode_pixels
from nvc.registry import DEFAULT_MODEL, get_model_entry
from nvc.video.inter_codec import motion_prediction, offset_residual
from nvc.tensors import pixels_to_tensor
from training.data import list_files

VIDEO_SUFFIXES = {".mkv", ".mp4", ".webm", ".y4m", ".mov", ".avi"}


def reference_model_id() -> str:
    """The intra model the references are coded with, as "name version": the default model,
    which codes the intra frames of ``nvc compress`` for video."""
    entry = get_model_entry(DEFAULT_MODEL)
    return f"{entry.name} {entry.version}"


def clip_frames(path: Path) -> list[np.ndarray]:
    """All frames of a clip as uint8 (H, W, 3) RGB (PyAV honours the stream's matrix and range)."""
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def coded_reference(pixels: np.ndarray, generator: torch.Generator) -> np.ndarray:
    """``pixels`` after a round trip through the intra model at a random quality."""
    qualities = get_model_entry(DEFAULT_MODEL).qualities
    quality = qualities[int(torch.randint(len(qualities), (1,), generator=generator))]
    return decode_stream(encode_pixels(pixels, quality, DEFAULT_MODEL)).pixels


def clip_residuals(frames: list[np.ndarray], generator: torch.Generator) -> list[torch.Tensor]:
    """The offset residual (3, H, W) float16 of each frame after the first."""
    residuals = []
    for previous, current in zip(frames, frames[1:]):
        reference = coded_reference(previous, generator)
        target = pixels_to_tensor(current, 1)
        _, prediction = motion_prediction(target, pixels_to_tensor(reference, 1))
        residuals.append(offset_residual(target, prediction)[0].half())
    return residuals


def build_residuals(folder: str | Path, every_nth: int, seed: int = 0, max_clips: int = 0) -> dict:
    """{"train": [...], "validation": [...]} residual tensors of the clips in ``folder``."""
    generator = torch.Generator().manual_seed(seed)
    clips = list_files(folder, VIDEO_SUFFIXES)[: max_clips or None]
    split: dict = {"train": [], "validation": [], "clips": len(clips)}
    for index, path in enumerate(clips):
        residuals = clip_residuals(clip_frames(path), generator)
        split["validation" if index % every_nth == 0 else "train"].extend(residuals)
    return split


def cached_residuals(folder: str | Path, every_nth: int, cache: Path, max_clips: int = 0) -> dict:
    """``build_residuals``, read from ``cache`` when it was built for the same folder and
    reference model."""
    key = {"folder": str(folder), "every_nth": every_nth, "max_clips": max_clips, "reference": reference_model_id()}
    if cache.exists():
        stored = torch.load(cache, weights_only=False)
        if stored.get("key") == key:
            return stored
    split = {"key": key, **build_residuals(folder, every_nth, max_clips=max_clips)}
    temporary = cache.with_suffix(".tmp")
    torch.save(split, temporary)
    temporary.replace(cache)
    return split
