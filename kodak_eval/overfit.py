"""The overfitted codec's own benchmark on one image: seconds per fitting iteration, encode
time and result per effort, decode time, MAC per pixel, and PSNR against iterations.

Every number comes from this process, on torch's CPU threads: the iteration time is the
median of ``steps`` main-phase steps timed one by one (after three untimed ones); the
encode time is one whole ``encode_image`` call (fit, network quantization, coding); bpp is
from the container's bytes; PSNR from the decoded pixels; the decode time is the median of
``decodes`` calls of ``nvc.decode``.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

import nvc
from bitstream import write_container
from kodak_eval.tables import markdown_table
from kodak_eval.timing import median_seconds
from nvc.coding import image_header
from nvc.overfit.codec import encode_image, to_unit_tensor
from nvc.overfit.config import OverfitConfig
from nvc.overfit.fit import Fitter, Progress
from nvc.overfit.model import OverfitModel, Rounding
from nvc.overfit.presets import EFFORTS, LAMBDAS, architecture
from nvc.registry import get_model_entry

MODEL = "overfit"
TIMED_ROUNDING = Rounding(0.3, 0.2)  # a main-phase step


@dataclass
class EffortResult:
    """One whole encode at one effort, and its PSNR-against-iterations curve."""

    effort: str
    iterations: int
    encode_s: float
    bytes: int
    bpp: float
    psnr: float
    decode_s: float
    curve: list[Progress] = field(default_factory=list)


def fitted_config(quality: int) -> OverfitConfig:
    """The architecture the overfitted model fits at ``quality``."""
    return architecture(get_model_entry(MODEL).config, quality)


def step_seconds(pixels: np.ndarray, quality: int, steps: int) -> float:
    """Median seconds of one fitting step (forward, backward, optimiser) on ``pixels``."""
    image = to_unit_tensor(pixels)
    fitter = Fitter(OverfitModel(fitted_config(quality), *pixels.shape[:2]), image, LAMBDAS[quality - 1], EFFORTS["normal"])
    return median_seconds(lambda: fitter.step(TIMED_ROUNDING), steps, warmup=3)


def run_effort(pixels: np.ndarray, quality: int, effort: str, decodes: int) -> EffortResult:
    """Encode ``pixels`` at ``effort``, decode the stream, and keep the fit's curve."""
    curve: list[Progress] = []
    schedule = EFFORTS[effort]
    start = time.perf_counter()
    chunks = encode_image(pixels, fitted_config(quality), LAMBDAS[quality - 1], schedule, curve.append)
    encode_s = time.perf_counter() - start
    data = write_container(image_header(pixels, quality, MODEL), chunks)
    decoded = nvc.decode(data)
    mse = float(np.mean((decoded.astype(np.float64) - pixels) ** 2))
    return EffortResult(effort, schedule.iterations, encode_s, len(data), 8 * len(data) / (pixels.shape[0] * pixels.shape[1]),
                        10 * np.log10(255**2 / mse), median_seconds(lambda: nvc.decode(data), decodes), curve)


def write_curves(results: list[EffortResult], path: Path) -> None:
    """CSV of every check of every effort: iteration (of the whole fit), seconds, phase, PSNR, latent bpp."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["effort", "iteration", "seconds", "phase", "psnr_db", "latent_bpp"])
        for result in results:
            for point in result.curve:
                writer.writerow([result.effort, point.done, f"{point.seconds:.2f}", point.phase, f"{point.psnr:.3f}",
                                 f"{point.bpp:.4f}"])


def plot_curves(results: list[EffortResult], title: str, path: Path) -> None:
    """PSNR (true rounding, float networks) against iterations, one line per effort."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for result in results:
        points = [p for p in result.curve if p.phase != "warm-up"]
        axes.plot([p.done for p in points], [p.psnr for p in points], label=f"{result.effort} ({result.iterations} it.)")
        axes.plot([result.iterations], [result.psnr], "o", color=axes.lines[-1].get_color())
    axes.set_xlabel("iterations")
    axes.set_ylabel("PSNR (dB)")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(title="line: fit check; dot: decoded")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def summary_markdown(image: Path, quality: int, seconds_per_step: float, results: list[EffortResult]) -> str:
    """The benchmark's table."""
    config = fitted_config(quality)
    rows = [[r.effort, str(r.iterations), f"{r.encode_s:.1f}", str(r.bytes), f"{r.bpp:.4f}", f"{r.psnr:.2f}",
             f"{1000 * r.decode_s:.0f}"] for r in results]
    table = markdown_table(["effort", "iterations", "encode (s)", "bytes", "bpp", "PSNR (dB)", "decode (ms)"], rows)
    return (f"{image.name}, quality {quality} (lambda {LAMBDAS[quality - 1]:.5f}), torch {torch.__version__} on "
            f"{torch.get_num_threads()} threads\n\n"
            f"- one fitting iteration: {1000 * seconds_per_step:.1f} ms (median)\n"
            f"- decoder: {config.macs_per_pixel():.0f} MAC per pixel\n\n{table}\n")
