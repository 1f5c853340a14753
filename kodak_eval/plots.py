"""Rate-distortion plots: PSNR-RGB and MS-SSIM (dB) against bpp, written as PNG and SVG.

Curves are results summaries in CompressAI's format (``{"name", "description", "results":
{"bpp": [...], "psnr-rgb": [...], "ms-ssim-rgb": [...]}}``). Measured curves are drawn
solid with markers, published anchors dashed and thinner. Uses ``matplotlib.figure.Figure``
with the Agg canvas: no pyplot global state.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

MAX_BPP = 2.2
DPI = 150


def colours() -> Iterator[tuple[float, ...]]:
    """40 distinct colours from tab20 and tab20b, strong hues first; repeated if exhausted."""
    tab20, tab20b = colormaps["tab20"].colors, colormaps["tab20b"].colors
    palette = [*tab20[0::2], *tab20b[0::4], *tab20[1::2], *(c for i, c in enumerate(tab20b) if i % 4)]
    while True:
        yield from palette


def msssim_db(values: np.ndarray) -> np.ndarray:
    """MS-SSIM on a 0..1 scale as dB: -10*log10(1 - value); NaN stays NaN, 1.0 gives inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -10.0 * np.log10(1.0 - np.asarray(values, dtype=np.float64))


def sorted_series(summary: dict[str, Any], key: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(bpp, metric) sorted by bpp, without NaN points; None when the metric is absent or empty."""
    results = summary.get("results", {})
    if key not in results or "bpp" not in results:
        return None
    bpp = np.asarray(results["bpp"], dtype=np.float64)
    values = np.asarray(results[key], dtype=np.float64)
    keep = np.isfinite(bpp) & np.isfinite(values)
    if not keep.any():
        return None
    order = np.argsort(bpp[keep], kind="stable")
    return bpp[keep][order], values[keep][order]


def draw_curve(axes: Axes, bpp: np.ndarray, values: np.ndarray, label: str, colour, measured: bool) -> Line2D:
    """One curve: solid with markers when measured here, dashed and thinner when published."""
    if measured:
        return axes.plot(bpp, values, "-o", color=colour, label=label, linewidth=1.8, markersize=3.5)[0]
    return axes.plot(bpp, values, "--", color=colour, label=label, linewidth=1.0)[0]


def plot_rd(measured: list[dict], published: list[dict], out_stem: Path, title: str = "Kodak",
            max_bpp: float = MAX_BPP) -> list[Path]:
    """Draw PSNR-RGB and MS-SSIM (dB) vs bpp for all curves; write ``out_stem`` .png and .svg.

    Returns the two written paths. Curves without usable ``ms-ssim-rgb`` values are left
    out of the MS-SSIM panel; points beyond ``max_bpp`` are clipped by the axis limit.
    """
    figure = Figure(figsize=(16, 6.5), layout="constrained")
    FigureCanvasAgg(figure)
    psnr_axes, msssim_axes = figure.subplots(1, 2)
    palette = colours()
    legend: list[Line2D] = []  # one entry per curve drawn in either panel
    for summaries, is_measured in ((measured, True), (published, False)):
        for summary in summaries:
            colour = next(palette)
            label = str(summary.get("name", "?"))
            lines = []
            psnr = sorted_series(summary, "psnr-rgb")
            if psnr is not None:
                lines.append(draw_curve(psnr_axes, *psnr, label, colour, is_measured))
            msssim = sorted_series(summary, "ms-ssim-rgb")
            if msssim is not None:
                db = msssim_db(msssim[1])
                finite = np.isfinite(db)
                if finite.any():
                    lines.append(draw_curve(msssim_axes, msssim[0][finite], db[finite], label, colour,
                                            is_measured))
            legend.extend(lines[:1])
    for axes, ylabel, panel in ((psnr_axes, "PSNR-RGB (dB)", "PSNR"), (msssim_axes, "MS-SSIM (dB)", "MS-SSIM")):
        axes.set_xlim(0.0, max_bpp)
        axes.set_xlabel("bits per pixel")
        axes.set_ylabel(ylabel)
        axes.set_title(f"{title}: {panel}")
        axes.grid(True, alpha=0.4)
    if legend:  # one legend for both panels (same colour per curve), outside on the right
        figure.legend(handles=legend, loc="outside right upper", fontsize="small",
                      ncols=1 + (len(legend) - 1) // 30)
    autoscale_y(psnr_axes, max_bpp)
    autoscale_y(msssim_axes, max_bpp)
    out_stem = Path(out_stem)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [out_stem.with_suffix(".png"), out_stem.with_suffix(".svg")]
    figure.savefig(paths[0], dpi=DPI)
    figure.savefig(paths[1])
    return paths


def autoscale_y(axes: Axes, max_bpp: float) -> None:
    """Fit the y range to the points inside the visible bpp range (with a small margin)."""
    visible = [y for line in axes.lines for x, y in zip(line.get_xdata(), line.get_ydata())
               if x <= max_bpp and math.isfinite(y)]
    if visible:
        low, high = min(visible), max(visible)
        margin = max(0.5, 0.04 * (high - low))
        axes.set_ylim(low - margin, high + margin)
