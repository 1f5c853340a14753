"""report.md: per clip the RD points and BD-rates, BD-rates over all clips, and speed.

BD-rate (``kodak_eval.bdrate``, Akima interpolation over the overlapping quality range)
compares each codec with x265 and nvc with nvc-intra, on PSNR-YUV 6:1:1 and on PSNR-RGB.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

from kodak_eval.bdrate import Curve, bd_rate
from kodak_eval.tables import format_number, markdown_table
from kodak_eval.video.base import INFINITE_INTRA_PERIOD
from kodak_eval.video.registry import NVC, NVC_INTRA

BD_ANCHOR = "x265"
BD_METRICS = {"psnr-yuv": "PSNR-YUV 6:1:1", "psnr": "PSNR-RGB"}  # bdrate metric -> column name
RD_COLUMNS = {"bpp": 4, "psnr-y": 2, "psnr-u": 2, "psnr-v": 2, "psnr-yuv": 2, "psnr-rgb": 2,
              "encoding_fps": 1, "decoding_fps": 1}  # summary key -> decimals


@dataclass(frozen=True)
class RunFacts:
    """How the run was configured, for the report's opening lines."""

    intra_period: int  # as requested (INFINITE_INTRA_PERIOD: only the first frame)
    frames: int | None  # limit per clip, None for all
    threads: int  # per job
    workers: int  # jobs at a time


def comparisons(names: list[str]) -> list[tuple[str, str]]:
    """(test, anchor) pairs: every codec against x265, and nvc against nvc-intra."""
    pairs = [(name, BD_ANCHOR) for name in names if BD_ANCHOR in names and name != BD_ANCHOR]
    if NVC in names and NVC_INTRA in names:
        pairs.append((NVC, NVC_INTRA))
    return pairs


def clip_bd_rates(summaries: dict[str, dict], test: str, anchor: str) -> dict[str, float]:
    """BD-rate (%) of ``test`` against ``anchor`` on one clip, per metric; NaN when missing."""
    return {metric: bd_rate(Curve.from_results(summaries.get(anchor, {}), metric),
                            Curve.from_results(summaries.get(test, {}), metric)) for metric in BD_METRICS}


def _mean(values: list[float]) -> float:
    finite = [value for value in values if math.isfinite(value)]
    return statistics.fmean(finite) if len(finite) == len(values) and finite else math.nan


def _header(facts: RunFacts, documents: list[dict[str, Any]]) -> list[str]:
    period = "infinite (only the first frame intra)" if facts.intra_period == INFINITE_INTRA_PERIOD \
        else f"{facts.intra_period} frames"
    lines = ["# Video rate-distortion evaluation", "",
             f"Low delay, P-frames only, intra period {period} for every codec (nvc-intra: 1, every frame intra); "
             f"{'all frames' if facts.frames is None else f'the first {facts.frames} frames'} of each clip. "
             f"Each job ran with {facts.threads} thread(s), {facts.workers} job(s) at a time; fps are wall-clock "
             "frames per second over a whole clip, excluding colour conversion and model loading.",
             "", "bpp: all bits of the clip (headers included) / (W x H x frames). PSNR-Y/U/V against the source "
             "4:2:0 planes (nvc's RGB output converted to 4:2:0 with BT.601 limited range); PSNR-YUV = "
             "(6 Y + U + V) / 8 per frame; PSNR-RGB against the source converted to RGB with the same matrix; all "
             "averaged over frames. BD-rate: negative means fewer bits for the same quality, over the overlapping "
             "quality range (Akima); n/a where the curves do not overlap.", "", "Codecs:", ""]
    lines += [f"- `{doc['name']}`: {doc['description']}" for doc in documents]
    return lines + [""]


def _rd_table(documents: list[dict[str, Any]], clip: str) -> str:
    rows = []
    for doc in documents:
        summary = doc["clips"].get(clip)
        if summary is None:
            continue
        for index, setting in enumerate(summary["settings"]):
            rows.append([doc["name"], str(setting), *(format_number(summary["results"][key][index], digits)
                                                       for key, digits in RD_COLUMNS.items())])
    headers = ["codec", "setting", "bpp", "PSNR-Y", "PSNR-U", "PSNR-V", "PSNR-YUV", "PSNR-RGB",
               "encode fps", "decode fps"]
    return markdown_table(headers, rows)


def _bd_table(rates: dict[tuple[str, str], dict[str, float]]) -> str:
    rows = [[test, anchor, *(format_number(values[metric], 1) for metric in BD_METRICS)]
            for (test, anchor), values in rates.items()]
    return markdown_table(["codec", "against", *(f"BD-rate {name} (%)" for name in BD_METRICS.values())], rows)


def _summary_table(per_clip: dict[str, dict[tuple[str, str], dict[str, float]]]) -> str:
    pairs = list(next(iter(per_clip.values()), {}))
    rows = []
    for pair in pairs:
        cells = [per_clip[clip][pair] for clip in per_clip]
        means = {metric: _mean([cell[metric] for cell in cells]) for metric in BD_METRICS}
        rows.append([*pair, *(" / ".join(format_number(cell[m], 1) for m in BD_METRICS) for cell in [*cells, means])])
    return markdown_table(["codec", "against", *per_clip, "mean"], rows)


def _speed_table(documents: list[dict[str, Any]], clips: list[str]) -> str:
    rows = []
    for doc in documents:
        cells = []
        for clip in clips:
            results = doc["clips"].get(clip, {}).get("results", {})
            cells.append(" / ".join(format_number(statistics.median(results[key]), 1) if results.get(key) else "n/a"
                                    for key in ("encoding_fps", "decoding_fps")))
        rows.append([doc["name"], *cells])
    return markdown_table(["codec", *clips], rows)


def report_markdown(documents: list[dict[str, Any]], facts: RunFacts) -> str:
    """The whole report for the per-codec results documents (``results.codec_document``)."""
    clips = list(dict.fromkeys(clip for doc in documents for clip in doc["clips"]))
    pairs = comparisons([doc["name"] for doc in documents])
    per_clip = {clip: {pair: clip_bd_rates({doc["name"]: doc["clips"].get(clip, {}) for doc in documents}, *pair)
                       for pair in pairs} for clip in clips}
    lines = _header(facts, documents)
    if pairs:
        lines += ["## BD-rate, all clips", "",
                  "Each cell: PSNR-YUV 6:1:1 / PSNR-RGB (%); mean over clips (n/a if any clip is n/a).", "",
                  _summary_table(per_clip)]
    for clip in clips:
        facts_of = next(doc["clips"][clip] for doc in documents if clip in doc["clips"])
        lines += [f"## {clip}", "",
                  f"{facts_of['width']}x{facts_of['height']}, {facts_of['frames']} frames at {facts_of['fps']:g} fps.",
                  "", _rd_table(documents, clip)]
        if pairs:
            lines += [_bd_table(per_clip[clip])]
    lines += ["## Speed", "", "Median over settings of encode / decode fps.", "", _speed_table(documents, clips)]
    return "\n".join(lines)
