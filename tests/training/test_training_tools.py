"""The small training tools: GPU data staging and the step-time benchmark."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from training.benchmark import main as benchmark
from training.gpu_data import stage_part


def test_stage_part_copies_one_manifest_part(tmp_path):
    source = tmp_path / "train"
    source.mkdir()
    rows = ["filename,part"]
    for index, part in enumerate([1, 2, 1]):
        name = f"img{index}.jpg"
        (source / name).write_bytes(b"x" * (index + 1))
        rows.append(f"{name},{part}")
    (source / "manifest.csv").write_text("\n".join(rows) + "\n")
    folder, size = stage_part(1, source, tmp_path / "staged")
    assert sorted(p.name for p in folder.iterdir()) == ["img0.jpg", "img2.jpg"] and size == 4
    with pytest.raises(SystemExit, match="no part 7"):
        stage_part(7, source, tmp_path / "staged")


def test_benchmark_prints_the_median_step(tmp_path, capsys):
    folder = tmp_path / "train"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(4):
        Image.fromarray(rng.integers(0, 256, (72, 80, 3), dtype=np.uint8)).save(folder / f"{index}.png")
    benchmark(["--config", "training/configs/smoke.toml", "--data-dir", str(folder), "--steps", "2", "--images", "4"])
    line = capsys.readouterr().out
    assert line.startswith("smoke (hyperprior, batch 2, crop 64") and "median step" in line and "steps/s" in line


def test_set_overrides_take_toml_values_and_bare_words():
    from training.__main__ import parse_setting

    assert parse_setting('optimizer="soap"') == ("optimizer", "soap")
    assert parse_setting("optimizer=soap") == ("optimizer", "soap")
    assert parse_setting("validate_every=250") == ("validate_every", 250)
    assert parse_setting("learning_rate = 5e-5") == ("learning_rate", 5e-5)
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        parse_setting("validate_every")
