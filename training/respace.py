"""Moving a gained model's quality levels to new rate-distortion weights.

A gained hyperprior (``nvc.image.hyperprior``) holds one row of per-channel log-gains per
quality level, learned at that level's lambda. Fine-tuning to new lambdas (a wider rate range)
starts far better from rows placed where the new lambdas fall on the old ones than from the
old rows: the log-gains are close to linear in log-lambda (gained models, Cui et al. 2021),
so each new row is interpolated between the two old rows around it, or, outside the old
range, continued from the end row along each channel's least-squares slope.

``python -m training --init-from`` applies this when the weights' manifest names other
lambdas than the config; ``python -m training.respace WEIGHTS --config TOML --out DEST``
writes moved weights without training (e.g. the inter model, to keep its qualities on the
intra model's lambdas until it is retrained).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from nvc.image.config import HyperpriorConfig
from nvc.image.hyperprior import quality_lambdas
from nvc.weights import load_state_dict, save_state_dict
from training.config import load_config

GAIN_TABLES = ("log_gain", "log_inverse_gain")


def respace_gains(table: torch.Tensor, old_lambdas: torch.Tensor, new_lambdas: torch.Tensor) -> torch.Tensor:
    """The (levels, channels) log-gain ``table`` learned at ``old_lambdas`` (strictly
    ascending), moved to ``new_lambdas``: piecewise linear in log-lambda inside the old range;
    beyond it, continued from the end row along each channel's least-squares slope."""
    x, x_new = old_lambdas.double().log(), new_lambdas.double().log()
    rows = table.double()
    if len(x) == 1:  # one level: no slope to follow
        return rows[0].expand(len(x_new), -1).to(table.dtype)
    centred = x - x.mean()
    slope = (centred[:, None] * (rows - rows.mean(0))).sum(0) / (centred**2).sum()
    upper = torch.searchsorted(x, x_new).clamp(1, len(x) - 1)
    lower = upper - 1
    weight = ((x_new - x[lower]) / (x[upper] - x[lower]))[:, None]
    inside = rows[lower] + weight * (rows[upper] - rows[lower])
    below = rows[0] + (x_new - x[0])[:, None] * slope
    above = rows[-1] + (x_new - x[-1])[:, None] * slope
    moved = torch.where((x_new < x[0])[:, None], below, torch.where((x_new > x[-1])[:, None], above, inside))
    return moved.to(table.dtype)


def trained_lambdas(weights: str | Path) -> torch.Tensor | None:
    """The lambdas the weights were trained at, from the manifest beside them
    (``<weights>.json``, written by ``training.export``); None without one."""
    manifest = Path(weights).with_suffix(".json")
    if not manifest.is_file():
        return None
    model = json.loads(manifest.read_text())["config"]["model"]
    keys = ("quality_levels", "lowest_lambda", "highest_lambda", "lambdas")
    return quality_lambdas(HyperpriorConfig(**{key: model[key] for key in keys if key in model}))


def initial_state(weights: str | Path, model: torch.nn.Module) -> tuple[dict[str, torch.Tensor], bool]:
    """The tensors of ``weights`` for ``model``, with the gain tables moved to the model's
    lambdas when the weights were trained at others; and whether they were moved."""
    state, trained = load_state_dict(weights), trained_lambdas(weights)
    lambdas = getattr(model, "lambdas", None)
    if trained is None or lambdas is None or "log_gain" not in state:
        return state, False
    lambdas = lambdas.cpu()
    if len(trained) != len(state["log_gain"]):
        raise ValueError(f"{weights}: the manifest names {len(trained)} qualities, the weights have "
                         f"{len(state['log_gain'])}")
    if trained.shape == lambdas.shape and torch.allclose(trained, lambdas):
        return state, False
    return {name: respace_gains(tensor, trained, lambdas) if name in GAIN_TABLES else tensor
            for name, tensor in state.items()}, True


def main(argv: list[str] | None = None) -> None:
    """Write weights with their gain tables moved to a config's lambdas, and their manifest."""
    parser = argparse.ArgumentParser(prog="python -m training.respace", description=main.__doc__)
    parser.add_argument("weights", type=Path, help="shipped weights (.safetensors) with their .json manifest")
    parser.add_argument("--config", required=True, help="training config whose model lambdas to move to")
    parser.add_argument("--out", required=True, type=Path, help="destination without suffix")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    network = config.model.build()
    state, moved = initial_state(args.weights, network)
    if not moved:
        raise SystemExit(f"{args.weights}: no gain tables to move (no manifest, or already at the config's lambdas)")
    manifest = json.loads(args.weights.with_suffix(".json").read_text())
    if manifest["config"].get("architecture") != config.architecture:
        raise SystemExit(f"{args.weights}: a {manifest['config'].get('architecture')} model, the config is {config.architecture}")
    network.load_state_dict(state)  # every tensor, of the config's shapes
    weights, manifest_path = Path(f"{args.out}.safetensors"), Path(f"{args.out}.json")
    weights.parent.mkdir(parents=True, exist_ok=True)
    digest = save_state_dict(state, weights)
    manifest.update(weights=weights.name, sha256=digest.hex(),
                    command=f"{manifest.get('command', '')}; then python -m training.respace {args.weights} "
                            f"--config {args.config} (gain tables moved, no training)")
    manifest["config"]["model"] = config.model.to_dict()
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {weights}  sha256 {digest.hex()}")


if __name__ == "__main__":
    main()
