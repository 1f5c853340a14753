"""Export a training checkpoint to the shipped format: safetensors weights plus a manifest.

``python -m training.export runs/hyperprior/checkpoint.pt nvc/weights/hyperprior``
writes ``hyperprior.safetensors`` and ``hyperprior.json`` (config, steps, data, hardware,
wall time and the weights digest). The digest must then be set in ``nvc/registry.py``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from nvc.architectures import architecture_config
from nvc.weights import save_state_dict


def final_weights(state: dict) -> dict:
    """The model weights to ship from a checkpoint: as trained, except that a VQ model's
    sub-codebooks are re-derived from its final codebook."""
    config = state["config"]
    if config.get("architecture") != "vq":
        return state["model"]
    model = architecture_config("vq", config["model"]).build()
    model.load_state_dict(state["model"])
    model.derive_sub_codebooks()
    return model.state_dict()


def export_checkpoint(checkpoint: Path, destination: Path, command: str = "", half: bool = True) -> dict:
    """Write ``destination``.safetensors and .json from a checkpoint; returns the manifest."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    weights_path = destination.with_suffix(".safetensors")
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    digest = save_state_dict(final_weights(state), weights_path, half=half)
    manifest = {
        "weights": weights_path.name,
        "sha256": digest.hex(),
        "precision": "fp16 (entropy bottleneck fp32)" if half else "fp32",
        "steps": state["step"],
        "training_seconds": round(state["seconds"], 1),
        "hardware": state["hardware"],
        "data": state.get("data", {"folder": state["config"]["data_dir"]}),
        "config": state["config"],
        "command": command,
    }
    destination.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> None:
    """Command-line wrapper around ``export_checkpoint``."""
    parser = argparse.ArgumentParser(prog="python -m training.export", description=__doc__)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("destination", type=Path, help="path without suffix, e.g. nvc/weights/hyperprior")
    parser.add_argument("--command", default="", help="the training command, recorded in the manifest")
    parser.add_argument("--fp32", action="store_true", help="keep every tensor in float32")
    args = parser.parse_args(argv)
    manifest = export_checkpoint(args.checkpoint, args.destination, args.command, half=not args.fp32)
    print(f"wrote {args.destination}.safetensors  sha256 {manifest['sha256']}  step {manifest['steps']}")


if __name__ == "__main__":
    main()
