"""Moving a gained model's quality levels to new lambdas (training.respace) and explicit
per-quality lambdas in the hyperprior config."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from nvc.image.config import HyperpriorConfig
from nvc.image.hyperprior import quality_lambdas
from nvc.weights import save_state_dict
from training.__main__ import main
from training.respace import initial_state, respace_gains, trained_lambdas
from training.respace import main as respace_main

OLD = torch.tensor([0.001, 0.002, 0.004, 0.008])
NEW = torch.tensor([0.0005, 0.0015, 0.004, 0.016, 0.02])


def test_rows_at_the_old_lambdas_are_kept_and_between_them_interpolated():
    table = torch.randn(4, 6)
    torch.testing.assert_close(respace_gains(table, OLD, OLD), table)
    middle = respace_gains(table, OLD, torch.tensor([0.001 * 2**0.5]))
    torch.testing.assert_close(middle[0], (table[0] + table[1]) / 2)


def test_gains_linear_in_log_lambda_stay_on_their_lines_beyond_the_old_range():
    slope, offset = torch.randn(6), torch.randn(6)
    table = OLD.log()[:, None] * slope + offset
    torch.testing.assert_close(respace_gains(table, OLD, NEW), NEW.log()[:, None] * slope + offset)


def test_beyond_the_old_range_gains_follow_the_least_squares_slope_from_the_end_rows():
    table = torch.tensor([[0.0], [1.0], [1.5], [4.0]])  # end segments slope differently from the fit
    x = OLD.log()
    slope = float(((x - x.mean()) * (table[:, 0] - table[:, 0].mean())).sum() / ((x - x.mean()) ** 2).sum())
    moved = respace_gains(table, OLD, torch.tensor([0.0005, 0.016]))  # one octave beyond each end
    octave = float(torch.tensor(2.0).log())
    torch.testing.assert_close(moved[:, 0], torch.tensor([0.0 - slope * octave, 4.0 + slope * octave]))


def test_one_quality_level_is_copied_to_every_new_one():
    table = torch.randn(1, 3)
    torch.testing.assert_close(respace_gains(table, OLD[:1], NEW), table.expand(5, 3))


def test_explicit_lambdas_replace_the_range_and_must_ascend_one_per_quality():
    config = HyperpriorConfig(quality_levels=4, lambdas=(0.001, 0.002, 0.004, 0.008))
    torch.testing.assert_close(quality_lambdas(config), OLD)
    torch.testing.assert_close(quality_lambdas(HyperpriorConfig(quality_levels=2, lowest_lambda=0.01, highest_lambda=0.04)),
                               torch.tensor([0.01, 0.04]))
    for lambdas in [(0.001, 0.002), (0.008, 0.004, 0.002, 0.001), (0.001, 0.002, 0.002, 0.004), (0, 1, 2, 3)]:
        with pytest.raises(ValueError, match="are not 4 positive, strictly ascending weights"):
            HyperpriorConfig(quality_levels=4, lambdas=lambdas)
    from_json = HyperpriorConfig(quality_levels=2, lambdas=[1, 2])  # a list of ints, as JSON or TOML give it
    assert from_json == HyperpriorConfig(quality_levels=2, lambdas=(1.0, 2.0))
    assert quality_lambdas(from_json).dtype == torch.float32


def write_weights(tmp_path, config: HyperpriorConfig):
    """Weights of a fresh network of ``config`` with the manifest training.export writes beside them."""
    path = tmp_path / "weights.safetensors"
    save_state_dict(config.build().state_dict(), path, half=False)
    path.with_suffix(".json").write_text(json.dumps({"config": {"architecture": "hyperprior", "model": config.to_dict()}}))
    return path


def test_initial_state_moves_the_gain_tables_only_when_the_lambdas_differ(tmp_path):
    trained = HyperpriorConfig(channels=8, latent_channels=8, quality_levels=4, lambdas=tuple(OLD.tolist()))
    path = write_weights(tmp_path, trained)
    torch.testing.assert_close(trained_lambdas(path), OLD)
    same, moved = initial_state(path, trained.build())
    assert not moved
    wider = replace(trained, quality_levels=5, lambdas=tuple(NEW.tolist()))
    state, moved = initial_state(path, wider.build())
    assert moved and state["log_gain"].shape == (5, 8)
    for table in ("log_gain", "log_inverse_gain"):
        torch.testing.assert_close(state[table], respace_gains(same[table], OLD, NEW))
    torch.testing.assert_close(state["g_a.0.weight"], same["g_a.0.weight"])
    with pytest.raises(ValueError, match="the manifest names 3 qualities, the weights have 4"):
        manifest = json.loads(path.with_suffix(".json").read_text())
        manifest["config"]["model"].update(quality_levels=3, lambdas=[0.001, 0.002, 0.004])
        path.with_suffix(".json").write_text(json.dumps(manifest))
        initial_state(path, wider.build())
    path.with_suffix(".json").unlink()
    assert trained_lambdas(path) is None and initial_state(path, wider.build())[1] is False


def test_init_from_weights_of_other_lambdas_says_it_moved_the_gains(tmp_path, capsys):
    images = tmp_path / "train"
    images.mkdir()
    for index in range(4):
        Image.fromarray(np.full((64, 64, 3), 40 * index, np.uint8)).save(images / f"img{index}.png")
    smoke = HyperpriorConfig(channels=16, latent_channels=24)
    path = write_weights(tmp_path, replace(smoke, lowest_lambda=0.001))
    main(["--config", "training/configs/smoke.toml", "--data-dir", str(images), "--run-dir", str(tmp_path / "run"),
          "--init-from", str(path), "--total-steps", "1"])
    assert "gain tables moved to this config's lambdas" in capsys.readouterr().out


def test_respace_command_writes_moved_weights_and_a_manifest_naming_the_new_lambdas(tmp_path, capsys):
    smoke = HyperpriorConfig(channels=16, latent_channels=24)
    path = write_weights(tmp_path, replace(smoke, lowest_lambda=0.001))
    respace_main([str(path), "--config", "training/configs/smoke.toml", "--out", str(tmp_path / "out" / "moved")])
    digest = capsys.readouterr().out.split("sha256 ")[1].strip()
    manifest = json.loads((tmp_path / "out" / "moved.json").read_text())
    assert manifest["sha256"] == digest and "training.respace" in manifest["command"]
    torch.testing.assert_close(trained_lambdas(tmp_path / "out" / "moved.safetensors"), quality_lambdas(smoke))
    assert initial_state(tmp_path / "out" / "moved.safetensors", smoke.build())[1] is False
    manifest = json.loads(path.with_suffix(".json").read_text())
    manifest["config"]["architecture"] = "checkerboard"
    path.with_suffix(".json").write_text(json.dumps(manifest))
    with pytest.raises(SystemExit, match="a checkerboard model, the config is hyperprior"):
        respace_main([str(path), "--config", "training/configs/smoke.toml", "--out", str(tmp_path / "other")])
    with pytest.raises(SystemExit, match="no gain tables to move"):
        respace_main([str(tmp_path / "out" / "moved.safetensors"), "--config", "training/configs/smoke.toml",
                      "--out", str(tmp_path / "again")])
