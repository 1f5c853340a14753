"""Per clip: the RD curves (PSNR-YUV and PSNR-RGB against bpp) and the per-frame PSNR and bits
of one setting per codec, as PNG files. Style and colours as ``kodak_eval.plots``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kodak_eval.plots import DPI, autoscale_y, colours, draw_curve, sorted_series
from kodak_eval.video.results import ClipResult

RD_PANELS = {"psnr-yuv": "PSNR-YUV 6:1:1 (dB)", "psnr-rgb": "PSNR-RGB (dB)"}
BPP_MARGIN = 1.05


def _figure() -> Figure:
    figure = Figure(figsize=(13, 5), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI)
    return path


def plot_clip_rd(summaries: list[dict[str, Any]], clip: str, path: Path) -> Path:
    """PSNR-YUV and PSNR-RGB against bpp, one curve per codec summary of ``clip``; written to ``path``."""
    figure = _figure()
    panels = figure.subplots(1, len(RD_PANELS))
    palette = colours()
    max_bpp = BPP_MARGIN * max((max(s["results"]["bpp"]) for s in summaries), default=1.0)
    for summary in summaries:
        colour = next(palette)
        for axes, key in zip(panels, RD_PANELS):
            series = sorted_series(summary, key)
            if series is not None:
                draw_curve(axes, *series, summary["name"], colour, measured=True)
    for axes, (key, label) in zip(panels, RD_PANELS.items()):
        axes.set_xlim(0.0, max_bpp)
        axes.set_xlabel("bits per pixel")
        axes.set_ylabel(label)
        axes.set_title(f"{clip}: {label.split(' (')[0]}")
        axes.grid(True, alpha=0.4)
        autoscale_y(axes, max_bpp)
    panels[0].legend(fontsize="small")
    return _save(figure, path)


def plot_clip_frames(records: list[ClipResult], clip: str, path: Path) -> Path:
    """Per-frame PSNR-YUV and bits of one record per codec on ``clip``; written to ``path``."""
    figure = _figure()
    psnr_axes, bits_axes = figure.subplots(1, 2)
    palette = colours()
    for record in records:
        colour, label = next(palette), f"{record.codec} {record.setting}"
        frames = range(len(record.frame_bits))
        psnr_axes.plot(frames, record.frame_psnr_yuv, "-o", color=colour, label=label, linewidth=1.2, markersize=2.5)
        bits_axes.plot(frames, [bits / 1000 for bits in record.frame_bits], "-o", color=colour, label=label,
                       linewidth=1.2, markersize=2.5)
    for axes, label in ((psnr_axes, "PSNR-YUV 6:1:1 (dB)"), (bits_axes, "kbit")):
        axes.set_xlabel("frame")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(label)
        axes.grid(True, alpha=0.4)
    psnr_axes.set_title(f"{clip}: quality per frame")
    bits_axes.set_title(f"{clip}: bits per frame")
    bits_axes.set_yscale("log")
    psnr_axes.legend(fontsize="small")
    return _save(figure, path)
