"""The training loop: rate-distortion training of the gained hyperprior, resumable in chunks."""

from __future__ import annotations

import csv
import math
import platform
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

from training import distributed
from training.config import TrainConfig
from training.data import load_banks
from training.distributed import Ranks
from training.objectives import learning_rate_at, make_objective, validation_crops

CHECKPOINT_NAME = "checkpoint.pt"


def hardware_description(device: torch.device) -> str:
    """One line naming the hardware a run used."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (torch {torch.__version__})"
    return f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} threads (torch {torch.__version__})"


class Trainer:
    """Owns the model, optimizers, data and run folder of one training run (one rank of it
    under torchrun: ``model`` is the plain module, ``network`` what the steps call)."""

    def __init__(self, config: TrainConfig, run_dir: Path, device: torch.device, ranks: Ranks = Ranks()):
        self.config, self.run_dir, self.device, self.ranks = config, run_dir, device, ranks
        run_dir.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(config.seed)
        self.model = config.model.build().to(device)
        if config.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.objective = make_objective(self.model, config)
        self.network = distributed.wrap(self.model, ranks, self.objective.unsynchronised)
        if config.compile:
            self.network = torch.compile(self.network)
        self.generator = torch.Generator().manual_seed(config.seed + ranks.rank)
        self.step = 0
        self.seconds = 0.0  # training wall time accumulated over all chunks
        self.train_data, self.validation_data, self.data_record = load_banks(config, run_dir, device)

    # -- state ---------------------------------------------------------------------------
    def load_weights(self, state: dict) -> list[str]:
        """Start from given model weights (e.g. the shipped ones), keeping optimizer state fresh.

        Parts of the model that ``state`` lacks (a context model added to a hyperprior) keep
        their initialisation; their names are returned. Extra or mis-shaped tensors are errors.
        """
        result = self.model.load_state_dict(state, strict=False)
        if result.unexpected_keys:
            raise ValueError(f"weights do not fit this model: unexpected {result.unexpected_keys[:5]}")
        return result.missing_keys

    def save_checkpoint(self) -> Path:
        """Write model, optimizers and RNG state atomically; returns the path."""
        path = self.run_dir / CHECKPOINT_NAME
        state = {
            "model": self.model.state_dict(),
            **{name: optimizer.state_dict() for name, optimizer in self.objective.optimizers.items()},
            "objective_modules": {name: module.state_dict() for name, module in self.objective.modules.items()},
            "generator": self.generator.get_state(),
            "global_rng": torch.get_rng_state(),  # the entropy models' training noise draws from it
            "cuda_rng": torch.cuda.get_rng_state(self.device) if self.device.type == "cuda" else None,
            "step": self.step,
            "seconds": self.seconds,
            "config": self.config.to_dict(),
            "data": self.data_record,
            "hardware": hardware_description(self.device),
        }
        temporary = path.with_suffix(".tmp")
        torch.save(state, temporary)
        temporary.replace(path)
        return path

    def resume(self) -> bool:
        """Load the run folder's checkpoint if there is one; True when resumed."""
        path = self.run_dir / CHECKPOINT_NAME
        if not path.exists():
            return False
        state = torch.load(path, map_location=self.device, weights_only=False)
        self.model.load_state_dict(state["model"])
        for name, optimizer in self.objective.optimizers.items():
            optimizer.load_state_dict(state[name])
        for name, module in self.objective.modules.items():
            module.load_state_dict(state["objective_modules"][name])
        self.generator.set_state(state["generator"])
        if "global_rng" in state:
            torch.set_rng_state(state["global_rng"].cpu())
        if state.get("cuda_rng") is not None and self.device.type == "cuda":
            torch.cuda.set_rng_state(state["cuda_rng"].cpu(), self.device)
        self.step, self.seconds = state["step"], state["seconds"]
        return True

    # -- steps -----------------------------------------------------------------------------
    def train_step(self) -> dict:
        """One optimisation step on a batch of random crops; the scalars to log."""
        config = self.config
        x = self.train_data.random_crops(config.batch_size, config.crop, self.generator)
        x = x.to(self.device, non_blocking=True)
        if config.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        self.model.train()
        result = self.objective.step(self.network, x, self.generator, self.step)
        self.step += 1
        return result

    @torch.no_grad()
    def validate(self) -> list[dict]:
        """The objective's validation rows on the held-out crops."""
        self.model.eval()
        rows = self.objective.validate(validation_crops(self.model, self.config, self.validation_data))
        self.model.train()
        return rows


def append_csv(path: Path, row: dict) -> None:
    """Append one row to a CSV log, writing the header on first use."""
    new = not path.exists()
    with open(path, "a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        if new:
            writer.writeheader()
        writer.writerow(row)


@contextmanager
def stop_requests() -> Iterator[list[bool]]:
    """While inside, SIGTERM and SIGINT only set a flag (the returned one-item list), so
    the loop can finish its step and save; the previous handlers come back afterwards."""
    requested = [False]
    if threading.current_thread() is not threading.main_thread():
        yield requested
        return

    def request(signum, frame):
        requested[0] = True

    previous = {sig: signal.signal(sig, request) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield requested
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def log_validation(trainer: Trainer, echo) -> None:
    """Validate now and append the rows, at the current step, to validation_log.csv."""
    for row in trainer.validate():
        append_csv(trainer.run_dir / "validation_log.csv", {"step": trainer.step, **row})
        echo(f"  validation q{row['quality']}: bpp {row['bpp']:.4f} psnr {row['psnr']:.2f}")


def run_training(trainer: Trainer, minutes: float | None, echo=print) -> None:
    """Train until ``total_steps``, the time budget or SIGTERM/SIGINT, checkpointing and
    logging as it goes (on the main rank; all ranks stop at the same step)."""
    with stop_requests() as stop:
        _train(trainer, minutes, stop, echo)


def _train(trainer: Trainer, minutes: float | None, stop: list[bool], echo) -> None:
    config, ranks = trainer.config, trainer.ranks
    if ranks.is_main and trainer.step == 0:
        log_validation(trainer, echo)  # the weights the run starts from, before the time budget starts
    deadline = time.monotonic() + minutes * 60 if minutes else math.inf
    window: list[dict] = []
    last = time.monotonic()
    while trainer.step < config.total_steps:
        if distributed.any_rank(time.monotonic() >= deadline or stop[0], ranks, trainer.device):
            break
        window.append(trainer.train_step())
        now = time.monotonic()
        trainer.seconds += now - last
        last = now
        if not ranks.is_main:
            continue
        if trainer.step % config.log_every == 0:
            mean = {k: sum(r[k] for r in window) / len(window) for k in window[0]}
            if "mse" in mean:
                mean["psnr"] = -10 * math.log10(max(mean["mse"], 1e-10))
            row = {"step": trainer.step, "seconds": round(trainer.seconds, 1),
                   "lr": learning_rate_at(config, trainer.step), **mean}
            append_csv(trainer.run_dir / "train_log.csv", row)
            scalars = " ".join(f"{k} {v:.4g}" for k, v in mean.items())
            echo(f"step {trainer.step} {scalars} ({trainer.seconds:.0f}s)")
            window = []
        if trainer.step % config.validate_every == 0:
            log_validation(trainer, echo)
        if trainer.step % config.checkpoint_every == 0:
            trainer.save_checkpoint()
    if ranks.is_main:
        trainer.save_checkpoint()
        echo(f"stopped at step {trainer.step} after {trainer.seconds:.0f}s of training")
