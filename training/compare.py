"""Training runs side by side: ``python -m training.compare RUN_DIR [RUN_DIR ...] [--out DIR]``.

Each validation of a run (its rows in ``validation_log.csv``: bpp and PSNR per quality
level on the held-out crops) is one RD curve. Its BD-rate against the run's first
validation (step 0 of a run started fresh: the weights it started from) is how far the
training has moved the model, and ``train_log.csv`` gives the training seconds at that
step. Runs from the same weights thus compare at equal wall-clock time, as an optimizer
A/B needs. Prints a markdown table; with ``--out``, also writes ``bd_rate.csv`` and
``bd_rate.png`` (BD-rate against training minutes).
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kodak_eval.bdrate import SECONDARY_METHOD, Curve, bd_rate
from kodak_eval.tables import markdown_table


@dataclass(frozen=True)
class Validation:
    """One validation of a run: its step, training seconds by then, and BD-rates (%) of its
    curve against the run's first (Akima, and PCHIP as a check)."""

    run: str
    step: int
    seconds: float
    bd_rate: float
    bd_rate_check: float


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV log."""
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def validation_curves(run_dir: Path) -> dict[int, Curve]:
    """Step -> the RD curve (bpp, PSNR over the quality levels) of that validation."""
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for row in read_rows(run_dir / "validation_log.csv"):
        points[int(row["step"])].append((float(row["bpp"]), float(row["psnr"])))
    curves = {}
    for step, step_points in sorted(points.items()):
        by_quality = sorted(step_points, key=lambda point: point[1])
        curves[step] = Curve(f"{run_dir.name}@{step}", tuple(b for b, _ in by_quality), tuple(q for _, q in by_quality))
    return curves


def seconds_at_steps(run_dir: Path) -> dict[int, float]:
    """Step -> training seconds, from train_log.csv (step 0: 0 s)."""
    return {0: 0.0, **{int(row["step"]): float(row["seconds"]) for row in read_rows(run_dir / "train_log.csv")}}


def run_validations(run_dir: Path) -> list[Validation]:
    """Every validation of a run with its BD-rate against the run's first validation."""
    curves = validation_curves(run_dir)
    if not curves:
        raise SystemExit(f"python -m training.compare: error: no validations in {run_dir}")
    seconds = seconds_at_steps(run_dir)
    start = next(iter(curves.values()))
    return [Validation(run_dir.name, step, seconds.get(step, float("nan")), bd_rate(start, curve),
                       bd_rate(start, curve, SECONDARY_METHOD)) for step, curve in curves.items()]


def plot(validations: list[Validation], path: Path) -> None:
    """BD-rate against training minutes, one line per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for run in dict.fromkeys(v.run for v in validations):
        points = [v for v in validations if v.run == run]
        axes.plot([v.seconds / 60 for v in points], [v.bd_rate for v in points], "o-", label=run)
    axes.set_xlabel("training minutes")
    axes.set_ylabel("BD-rate vs the start (%), held-out crops")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv: list[str] | None = None) -> None:
    """Print the table of every run's validations; write the CSV and plot with --out."""
    parser = argparse.ArgumentParser(prog="python -m training.compare", description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders (with train_log.csv and validation_log.csv)")
    parser.add_argument("--out", type=Path, help="folder for bd_rate.csv and bd_rate.png")
    args = parser.parse_args(argv)
    validations = [v for run in args.runs for v in run_validations(run)]
    header = ["run", "step", "minutes", "BD-rate vs start (%)", f"({SECONDARY_METHOD})"]
    rows = [[v.run, str(v.step), f"{v.seconds / 60:.1f}", f"{v.bd_rate:+.2f}", f"{v.bd_rate_check:+.2f}"]
            for v in validations]
    print(markdown_table(header, rows))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        with (args.out / "bd_rate.csv").open("w", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
        plot(validations, args.out / "bd_rate.png")


if __name__ == "__main__":
    main()
