"""Training smoke tests on CPU: a few steps, checkpoint and exact resume, export, torchrun/DDP."""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from nvc.image.hyperprior import GainedHyperprior
from nvc.registry import get_model_entry
from nvc.weights import file_digest, load_state_dict
from training.__main__ import main
from training.config import config_from_dict, load_config
from training.export import export_checkpoint
from training.loop import CHECKPOINT_NAME, Trainer, learning_rate_at, run_training

SMOKE = "training/configs/smoke.toml"


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "train"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(4):
        Image.fromarray(rng.integers(0, 256, (72, 80, 3), dtype=np.uint8)).save(folder / f"img{index}.png")
    return folder


def smoke_config(data_dir, **overrides):
    return load_config(SMOKE, {"data_dir": str(data_dir), **overrides})


def test_steps_log_checkpoint_and_resume_exactly(data_dir, tmp_path):
    run_dir = tmp_path / "run"
    config = smoke_config(data_dir, total_steps=4)
    trainer = Trainer(config, run_dir, torch.device("cpu"))
    run_training(trainer, None, echo=lambda *_: None)
    assert trainer.step == 4 and (run_dir / CHECKPOINT_NAME).exists()
    log = (run_dir / "train_log.csv").read_text().splitlines()
    assert log[0].startswith("step,seconds,lr,loss,bpp,mse") and len(log) == 5
    validation = (run_dir / "validation_log.csv").read_text().splitlines()
    assert len(validation) == 1 + 3 * 8 and validation[1].startswith("0,1,")  # the start, then every validate_every

    # Resuming at step 4 and training to 6 equals training to 6 without a break.
    straight = Trainer(smoke_config(data_dir, total_steps=6), tmp_path / "straight", torch.device("cpu"))
    run_training(straight, None, echo=lambda *_: None)
    resumed_dir = tmp_path / "resumed"
    first = Trainer(smoke_config(data_dir, total_steps=6), resumed_dir, torch.device("cpu"))
    for _ in range(4):
        first.train_step()
    first.save_checkpoint()
    second = Trainer(smoke_config(data_dir, total_steps=6), resumed_dir, torch.device("cpu"))
    assert second.resume() and second.step == 4
    run_training(second, None, echo=lambda *_: None)
    for name, value in straight.model.state_dict().items():
        torch.testing.assert_close(second.model.state_dict()[name], value, msg=name)


def test_minutes_budget_stops_cleanly_with_a_checkpoint(data_dir, tmp_path):
    trainer = Trainer(smoke_config(data_dir, total_steps=10_000), tmp_path / "run", torch.device("cpu"))
    run_training(trainer, minutes=1e-9, echo=lambda *_: None)
    assert trainer.step == 0 and (tmp_path / "run" / CHECKPOINT_NAME).exists()


def test_sigterm_stops_after_the_step_and_saves(data_dir, tmp_path):
    import os
    import signal

    trainer = Trainer(smoke_config(data_dir, total_steps=10_000), tmp_path / "run", torch.device("cpu"))
    steps = []

    def echo(*_):
        steps.append(trainer.step)
        if len(steps) == 2:
            os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.getsignal(signal.SIGTERM)
    run_training(trainer, None, echo=echo)
    assert trainer.step < 10 and torch.load(tmp_path / "run" / CHECKPOINT_NAME, weights_only=False)["step"] == trainer.step
    assert signal.getsignal(signal.SIGTERM) is previous


def test_export_writes_weights_and_manifest(data_dir, tmp_path):
    trainer = Trainer(smoke_config(data_dir, total_steps=2), tmp_path / "run", torch.device("cpu"))
    run_training(trainer, None, echo=lambda *_: None)
    manifest = export_checkpoint(tmp_path / "run" / CHECKPOINT_NAME, tmp_path / "out" / "smoke", "the command")
    weights = tmp_path / "out" / "smoke.safetensors"
    assert manifest["sha256"] == file_digest(weights).hex()
    written = json.loads((tmp_path / "out" / "smoke.json").read_text())
    assert written["steps"] == 2 and written["command"] == "the command" and "CPU" in written["hardware"]
    assert written["config"]["model"]["channels"] == 16
    assert written["data"] == {"folder": str(data_dir), "training_images": 2, "validation_images": 2}
    assert set(load_state_dict(weights)) == set(trainer.model.state_dict())


def test_learning_rate_schedule_is_cosine_to_the_floor():
    config = config_from_dict({"learning_rate": 1e-3, "final_learning_rate_fraction": 0.1, "total_steps": 100})
    assert learning_rate_at(config, 0) == pytest.approx(1e-3)
    assert learning_rate_at(config, 50) == pytest.approx(0.55e-3)
    assert learning_rate_at(config, 100) == pytest.approx(1e-4)
    assert learning_rate_at(config, 500) == pytest.approx(1e-4)


def test_unknown_config_keys_are_refused():
    with pytest.raises(ValueError, match="unknown training config keys"):
        config_from_dict({"learnin_rate": 1.0})


def test_soap_optimizer_trains_and_resumes(data_dir, tmp_path):
    config = smoke_config(data_dir, optimizer="soap", total_steps=12)  # SOAP's preconditioner updates every 10 steps
    first = Trainer(config, tmp_path / "run", torch.device("cpu"))
    assert type(first.objective.optimizers["optimizer"]).__name__ == "SOAP"
    before = {name: value.clone() for name, value in first.model.state_dict().items()}
    for _ in range(11):
        first.train_step()
    first.save_checkpoint()
    assert any(not torch.equal(before[name], value) for name, value in first.model.state_dict().items())
    second = Trainer(config, tmp_path / "run", torch.device("cpu"))
    assert second.resume() and second.step == 11
    first.train_step(), second.train_step()
    for name, value in first.model.state_dict().items():
        torch.testing.assert_close(second.model.state_dict()[name], value, msg=name)
    with pytest.raises(ValueError, match="unknown optimizer 'lion'"):
        config_from_dict({"optimizer": "lion"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_torchrun_environment_trains_with_ddp_in_one_process(data_dir, tmp_path, monkeypatch, capsys):
    for key, value in {"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0", "MASTER_ADDR": "127.0.0.1",
                       "MASTER_PORT": str(free_port())}.items():
        monkeypatch.setenv(key, value)
    main(["--config", SMOKE, "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "ddp"), "--total-steps", "3"])
    assert "1 rank(s)" in capsys.readouterr().out
    assert not torch.distributed.is_initialized()
    state = torch.load(tmp_path / "ddp" / CHECKPOINT_NAME, weights_only=False)
    assert state["step"] == 3
    assert not any(name.startswith("module.") for name in state["model"])


def test_checkerboard_architecture_trains_and_exports(data_dir, tmp_path):
    model = {"channels": 8, "latent_channels": 12, "slices": [4, 8], "context_channels": 8}
    config = smoke_config(data_dir, architecture="checkerboard", model=model, total_steps=2)
    trainer = Trainer(config, tmp_path / "run", torch.device("cpu"))
    run_training(trainer, None, echo=lambda *_: None)
    assert type(trainer.model).__name__ == "CheckerboardHyperprior" and trainer.step == 2
    manifest = export_checkpoint(tmp_path / "run" / CHECKPOINT_NAME, tmp_path / "out" / "cb")
    assert manifest["config"]["architecture"] == "checkerboard"
    assert list(manifest["config"]["model"]["slices"]) == [4, 8]


def test_vq_objective_trains_resumes_and_exports(data_dir, tmp_path):
    config = load_config("training/configs/vq_smoke.toml", {"data_dir": str(data_dir)})
    trainer = Trainer(config, tmp_path / "run", torch.device("cpu"))
    run_training(trainer, None, echo=lambda *_: None)
    log = (tmp_path / "run" / "train_log.csv").read_text().splitlines()
    assert "bits_per_index" in log[0] and "discriminator" in log[0] and len(log) == 5
    validation = (tmp_path / "run" / "validation_log.csv").read_text().splitlines()
    assert validation[0].startswith("step,quality,codebook,psnr,ms_ssim,bits_per_index,bpp,utilization")
    resumed = Trainer(load_config("training/configs/vq_smoke.toml", {"data_dir": str(data_dir), "total_steps": 5}),
                      tmp_path / "run", torch.device("cpu"))
    assert resumed.resume() and resumed.step == 4
    for name, value in trainer.objective.discriminator.state_dict().items():
        torch.testing.assert_close(resumed.objective.discriminator.state_dict()[name], value)
    manifest = export_checkpoint(tmp_path / "run" / CHECKPOINT_NAME, tmp_path / "vq")
    assert manifest["config"]["architecture"] == "vq"
    assert "sub_codebook_4" in load_state_dict(tmp_path / "vq.safetensors")


@pytest.mark.parametrize("path", sorted(Path("training/configs").glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_config_loads(path):
    """A typo in a config key or a model key is refused at load time, not hours into a run."""
    config = load_config(path)
    stride = GainedHyperprior.downsampling  # the hyperprior family's total stride, the largest of any architecture
    assert config.total_steps > 0 and config.batch_size > 0 and config.crop % stride == 0


@pytest.mark.parametrize("name", ["checkerboard_gdn.toml", "checkerboard_gdn_256.toml"])
def test_checkerboard_continuation_configs_build_the_shipped_model(name):
    """Both configs continue the shipped weights with --init-from, so their model must be it,
    but for the lambdas (--init-from moves the gain tables to the config's)."""
    lambdas = ("lambdas", "lowest_lambda", "highest_lambda")
    configured, shipped = [{key: value for key, value in config.to_dict().items() if key not in lambdas}
                           for config in (load_config(f"training/configs/{name}").model,
                                          get_model_entry("checkerboard").config)]
    assert configured == shipped


def test_the_inter_config_trains_at_the_intra_models_lambdas():
    """Intra and P-frames of one quality must share a lambda."""
    intra = load_config("training/configs/checkerboard_gdn_256.toml").model
    assert load_config("training/configs/inter.toml").model.lambdas == intra.lambdas != ()


def test_a_dotted_override_sets_a_key_of_the_model_table():
    """``--set model.lambdas=[]`` trains the inter config at the shipped intra model's
    lambdas; the rest of the table stays as the file has it."""
    inter = load_config("training/configs/inter.toml")
    default = load_config("training/configs/inter.toml", {"model.lambdas": []})
    assert default.model.lambdas == () != inter.model.lambdas
    assert default.model == replace(inter.model, lambdas=())
    with pytest.raises(ValueError, match="unknown"):
        load_config("training/configs/inter.toml", {"model.lamdbas": []})
    with pytest.raises(ValueError, match="'name' is not a table"):
        load_config("training/configs/inter.toml", {"name.x": 1})
