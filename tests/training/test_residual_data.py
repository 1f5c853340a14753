"""Inter-model training data: residuals of real clips, split by clip, cached; a smoke run."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from cli.video_files import VideoInfo, write_video
from nvc.video.inter_codec import RESIDUAL_OFFSET
from training import residuals
from training.config import load_config
from training.loop import Trainer, run_training

INFO = VideoInfo(80, 64, Fraction(25), 3, "bt709", False)


def moving_clip(seed: int, step: int) -> list[np.ndarray]:
    """Three 64x80 frames of a smooth texture moving ``step`` pixels right per frame."""
    texture = np.random.default_rng(seed).integers(0, 256, (20, 40, 3)).astype(np.uint8)
    wide = np.kron(texture, np.ones((4, 4, 1), dtype=np.uint8))
    return [np.ascontiguousarray(wide[:64, 40 - step * t : 120 - step * t]) for t in range(3)]


@pytest.fixture
def clip_dir(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    for index, step in enumerate((0, 2)):
        write_video(str(folder / f"clip{index}.mkv"), moving_clip(index, step), INFO)
    return folder


def test_residuals_split_by_clip_from_coded_references(clip_dir):
    split = residuals.build_residuals(clip_dir, every_nth=2)
    assert split["clips"] == 2 and len(split["validation"]) == 2 and len(split["train"]) == 2
    assert all(r.shape == (3, 64, 80) and r.dtype == torch.float16 for r in split["train"] + split["validation"])
    still = split["validation"][0].float() - RESIDUAL_OFFSET  # clip0 does not move: what is left is coding error
    assert 0 < still.abs().mean() < 0.25


def test_residuals_are_motion_compensated(monkeypatch):
    monkeypatch.setattr(residuals, "coded_reference", lambda pixels, generator: pixels)
    moving = residuals.clip_residuals(moving_clip(1, 2), torch.Generator())[0].float() - RESIDUAL_OFFSET
    assert moving[:, :, 16:-16].abs().max() < 1e-3  # 2 px/frame to the right, predicted exactly


def test_residuals_are_cached(clip_dir, tmp_path, monkeypatch):
    cache = tmp_path / "residuals.pt"
    first = residuals.cached_residuals(clip_dir, 2, cache)
    monkeypatch.setattr(residuals, "build_residuals", lambda *a, **k: pytest.fail("rebuilt despite the cache"))
    again = residuals.cached_residuals(clip_dir, 2, cache)
    assert torch.equal(first["train"][0], again["train"][0])
    monkeypatch.setattr(residuals, "reference_model_id", lambda: "checkerboard 9.9")
    monkeypatch.setattr(residuals, "build_residuals", lambda *a, **k: {"train": [], "validation": [], "clips": 0})
    assert residuals.cached_residuals(clip_dir, 2, cache)["clips"] == 0  # another reference model: built again


def test_inter_smoke_config_trains_on_residuals(clip_dir, tmp_path):
    config = load_config("training/configs/inter_smoke.toml", {"data_dir": str(clip_dir)})
    trainer = Trainer(config, tmp_path / "run", torch.device("cpu"))
    run_training(trainer, None, echo=lambda *_: None)
    assert trainer.step == 2 and trainer.data_record["training_residuals"] == 2
    assert (tmp_path / "run" / "residuals.pt").exists()
