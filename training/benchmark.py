"""Training speed: ``python -m training.benchmark --config training/configs/X.toml [--steps N]``.

Times full optimizer steps (forward, backward, both optimizers) of the configured model,
batch and crop on whatever device ``python -m training`` would use, after warm-up steps
(which include torch.compile's compilation when the config asks for it), and prints the
median step time and steps per second. It trains a throwaway copy: no checkpoint is
written anywhere it matters (a temporary folder), and only the first ``--images`` training
images are loaded, to start quickly.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from training import distributed
from training.config import load_config
from training.loop import Trainer, hardware_description

WARMUP_STEPS = 3


def time_steps(trainer: Trainer, steps: int) -> list[float]:
    """Wall time of each of ``steps`` training steps (after warm-up), device-synchronised."""
    synchronise = torch.cuda.synchronize if trainer.device.type == "cuda" else (lambda: None)
    for _ in range(WARMUP_STEPS):
        trainer.train_step()
    synchronise()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        trainer.train_step()
        synchronise()
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, time the steps, print one summary line."""
    parser = argparse.ArgumentParser(prog="python -m training.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--images", type=int, default=64, help="training images to load")
    parser.add_argument("--data-dir", help="override the config's training image folder")
    parser.add_argument("--batch-size", type=int, help="override the config's batch size")
    parser.add_argument("--compile", action="store_true", help="torch.compile the network")
    args = parser.parse_args(argv)
    overrides = {"max_images": args.images}
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.batch_size:
        overrides["batch_size"] = args.batch_size
    if args.compile:
        overrides["compile"] = True
    config = load_config(args.config, overrides)
    ranks = distributed.Ranks()
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(config, Path(folder), distributed.device_for(ranks), ranks)
        times = time_steps(trainer, args.steps)
    median = statistics.median(times)
    print(f"{config.name} ({config.architecture}, batch {config.batch_size}, crop {config.crop}, "
          f"bf16 {config.bf16}, compile {config.compile}) on {hardware_description(trainer.device)}: "
          f"median step {1000 * median:.0f} ms over {args.steps} steps, {1 / median:.2f} steps/s, "
          f"{config.batch_size / median:.0f} crops/s")


if __name__ == "__main__":
    main()
