"""Entry point: ``python -m training --config training/configs/hyperprior.toml``.

Under ``torchrun --nproc_per_node=N -m training ...`` it trains with DDP (see
``training.distributed``). On CPU it first re-executes itself with glibc malloc settings
that keep large activation buffers mapped between steps (``CPU_MALLOC_SETTINGS``),
which roughly halves the step time there.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

import torch

from training import distributed
from training.config import load_config
from training.loop import Trainer, run_training

CPU_MALLOC_SETTINGS = {
    "MALLOC_MMAP_MAX_": "0",
    "MALLOC_TRIM_THRESHOLD_": "68719476736",
    "MALLOC_TOP_PAD_": "1073741824",
}


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build the trainer, resume if possible and train."""
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("--config", required=True, help="TOML file overriding the defaults")
    parser.add_argument("--run-dir", help="folder for checkpoint and logs (default runs/<name>)")
    parser.add_argument("--minutes", type=float, help="stop cleanly after this much time")
    parser.add_argument("--data-dir", help="override the config's training image folder")
    parser.add_argument("--init-from", help="start from these weights (.safetensors) if not resuming")
    parser.add_argument("--total-steps", type=int, help="override the schedule length (e.g. to end a run sooner)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="settings",
                        help="override a config key with a TOML value (optimizer=\"soap\", validate_every=250; "
                             "model.lambdas=[] for a key of a table); repeatable")
    args = parser.parse_args(argv)
    overrides = dict(parse_setting(item) for item in args.settings)
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.total_steps:
        overrides["total_steps"] = args.total_steps
    config = load_config(args.config, overrides)
    run_dir = Path(args.run_dir or Path("runs") / config.name)
    ranks = distributed.start("cuda" if torch.cuda.is_available() else "cpu")
    trainer = Trainer(config, run_dir, distributed.device_for(ranks), ranks)
    echo = print if ranks.is_main else (lambda *_: None)
    if trainer.resume():
        echo(f"resumed {run_dir} at step {trainer.step}")
    elif args.init_from:
        from training.respace import initial_state

        state, moved = initial_state(args.init_from, trainer.model)
        missing = trainer.load_weights(state)
        echo(f"initialised from {args.init_from}" + (f" ({len(missing)} new tensors)" if missing else "")
             + (", gain tables moved to this config's lambdas" if moved else ""))
    data = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in trainer.data_record.items())
    echo(f"data: {data}; device {trainer.device}, {ranks.world_size} rank(s)")
    run_training(trainer, args.minutes, echo)
    distributed.stop(ranks)


def parse_setting(item: str) -> tuple[str, object]:
    """``KEY=VALUE`` with VALUE in TOML (a bare word is taken as a string) to (key, value)."""
    key, equals, value = item.partition("=")
    if not equals or not key.strip():
        raise SystemExit(f"python -m training: error: --set expects KEY=VALUE, not '{item}'")
    try:
        return key.strip(), tomllib.loads(f"value = {value}")["value"]
    except tomllib.TOMLDecodeError:
        return key.strip(), value


def with_cpu_malloc_settings() -> None:
    """On CPU, re-execute this process once with ``CPU_MALLOC_SETTINGS`` in its environment."""
    missing = {k: v for k, v in CPU_MALLOC_SETTINGS.items() if k not in os.environ}
    if missing and not torch.cuda.is_available():
        os.execve(sys.executable, [sys.executable, "-m", "training", *sys.argv[1:]], {**os.environ, **missing})


if __name__ == "__main__":
    with_cpu_malloc_settings()
    main()
