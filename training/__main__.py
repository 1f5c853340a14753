"""Entry point: ``python -m training --config training/configs/hyperprior.toml``."""

from __future__ import annotations

import argparse
from pathlib import Path

from training.config import load_config
from training.loop import Trainer, pick_device, run_training


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build the trainer, resume if possible and train."""
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("--config", required=True, help="TOML file overriding the defaults")
    parser.add_argument("--run-dir", help="folder for checkpoint and logs (default runs/<name>)")
    parser.add_argument("--minutes", type=float, help="stop cleanly after this much time")
    parser.add_argument("--data-dir", help="override the config's training image folder")
    parser.add_argument("--init-from", help="start from these weights (.safetensors) if not resuming")
    parser.add_argument("--total-steps", type=int, help="override the schedule length (e.g. to end a run sooner)")
    args = parser.parse_args(argv)
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    if args.total_steps:
        overrides["total_steps"] = args.total_steps
    config = load_config(args.config, overrides)
    run_dir = Path(args.run_dir or Path("runs") / config.name)
    trainer = Trainer(config, run_dir, pick_device())
    if trainer.resume():
        print(f"resumed {run_dir} at step {trainer.step}")
    elif args.init_from:
        from nvc.weights import load_state_dict

        trainer.load_weights(load_state_dict(args.init_from))
        print(f"initialised from {args.init_from}")
    print(f"{len(trainer.train_files)} training images, {len(trainer.validation_files)} held out; "
          f"device {trainer.device}")
    run_training(trainer, args.minutes)


if __name__ == "__main__":
    main()
