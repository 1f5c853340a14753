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


def test_compare_gives_each_validation_its_bd_rate_against_the_start(tmp_path, capsys):
    from training.compare import main as compare, run_validations

    run = tmp_path / "run"
    run.mkdir()
    rates = [0.1, 0.2, 0.4, 0.8]
    rows = ["step,quality,bpp,psnr"]
    for step, factor in ((0, 1.0), (50, 0.9)):  # at step 50 the same PSNR for 10% fewer bits
        rows += [f"{step},{q + 1},{rate * factor},{28 + 3 * q}" for q, rate in enumerate(rates)]
    (run / "validation_log.csv").write_text("\n".join(rows) + "\n")
    (run / "train_log.csv").write_text("step,seconds,lr,loss\n50,120.0,1e-4,1.0\n")
    start, later = run_validations(run)
    assert (start.step, start.seconds, later.step, later.seconds) == (0, 0.0, 50, 120.0)
    assert abs(start.bd_rate) < 1e-9 and abs(later.bd_rate + 10) < 0.01
    compare([str(run), "--out", str(tmp_path / "out")])
    assert "-10.00" in capsys.readouterr().out and (tmp_path / "out" / "bd_rate.png").exists()


def test_refine_schedule_crops_held_out_images_and_prints_bd_rates(tmp_path, capsys, textured_image):
    from training.refine_schedule import centred_crop, main as refine_schedule

    folder = tmp_path / "train"
    folder.mkdir()
    tall = np.tile(textured_image, (4, 4, 1))[:400, :300]
    Image.fromarray(tall).save(folder / "a.png")
    Image.fromarray(tall.transpose(1, 0, 2).copy()).save(folder / "b.png")
    assert centred_crop(folder / "a.png").shape == (384, 256, 3)
    assert centred_crop(folder / "b.png").shape == (256, 384, 3)
    refine_schedule(["--steps", "2", "--images", "1", "--data-dir", str(folder)])
    line = capsys.readouterr().out
    assert line.startswith("Refinement(steps=2, learning_rate=0.015") and "BD-rate vs the analysis" in line
    assert np.isfinite(float(line.split("analysis ")[1].split("%")[0]))
    with pytest.raises(SystemExit):
        refine_schedule(["--steps", "2", "--data-dir", str(tmp_path / "missing")])
    Image.fromarray(textured_image).save(folder / "0.png")  # now the held-out one: too small
    with pytest.raises(SystemExit):
        refine_schedule(["--steps", "2", "--data-dir", str(folder)])
    assert "smaller than the 384x256 crop" in capsys.readouterr().err
