"""The comparison table: BD-rate against an anchor, PSNR at fixed rates, speed and memory."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

from kodak_eval.bdrate import PRIMARY_METHOD, SECONDARY_METHOD, Curve, bd_rate
from kodak_eval.tables import format_number, markdown_table

RATES_OF_INTEREST = (0.25, 0.5, 1.0)  # bpp at which the table reads PSNR off each curve
DATASET = "Kodak"


@dataclass(frozen=True)
class ReportRow:
    """One codec's line of the table."""

    name: str
    origin: str  # "measured" (this machine) or "published"
    bd_psnr: float  # %, PRIMARY_METHOD
    bd_psnr_check: float  # %, SECONDARY_METHOD
    bd_ms_ssim: float  # %, PRIMARY_METHOD on MS-SSIM dB
    psnr_at: tuple[float, ...]  # dB at RATES_OF_INTEREST
    encode_ms: float  # median over images and settings; NaN for published results
    decode_ms: float
    memory_mib: float  # peak extra memory of one encode+decode; NaN if not measured


def _median_ms(values: list[float] | None) -> float:
    finite = [v for v in values or [] if v is not None and math.isfinite(v)]
    return 1000 * statistics.median(finite) if finite else math.nan


def report_row(summary: dict[str, Any], anchor: dict[str, Any], origin: str) -> ReportRow:
    """Compare one results summary with the anchor's."""
    psnr, anchor_psnr = Curve.from_results(summary, "psnr"), Curve.from_results(anchor, "psnr")
    results = summary.get("results", {})
    measured = origin == "measured"
    return ReportRow(
        name=str(summary.get("name", "?")), origin=origin,
        bd_psnr=bd_rate(anchor_psnr, psnr, PRIMARY_METHOD),
        bd_psnr_check=bd_rate(anchor_psnr, psnr, SECONDARY_METHOD),
        bd_ms_ssim=bd_rate(Curve.from_results(anchor, "ms-ssim"), Curve.from_results(summary, "ms-ssim")),
        psnr_at=tuple(psnr.quality_at(rate) if psnr else math.nan for rate in RATES_OF_INTEREST),
        encode_ms=_median_ms(results.get("encoding_time")) if measured else math.nan,
        decode_ms=_median_ms(results.get("decoding_time")) if measured else math.nan,
        memory_mib=float(summary.get("peak_memory_mib", math.nan)) if measured else math.nan,
    )


def dataset_title(measured: list[dict[str, Any]], available: int | None = None) -> str:
    """The image set the measured summaries cover, from their ``images`` counts: "Kodak (24
    images)", or "Kodak (6 of 24 images)" when a run coded 6 of the ``available`` 24;
    "Kodak" alone when no summary records a count (results files from before counts)."""
    counts = sorted({summary["images"] for summary in measured if "images" in summary})
    if not counts:
        return DATASET
    of = f" of {available}" if available is not None and counts != [available] else ""
    noun = "image" if counts == [1] and not of else "images"
    return f"{DATASET} ({'/'.join(map(str, counts))}{of} {noun})"


def report_markdown(rows: list[ReportRow], anchor_name: str, title: str = DATASET) -> str:
    """The rows as a markdown table under ``title`` (see ``dataset_title``), with a short legend."""
    headers = ["codec", "origin", "BD-rate PSNR (%)", f"({SECONDARY_METHOD})", "BD-rate MS-SSIM (%)",
               *(f"PSNR @{rate:g} bpp" for rate in RATES_OF_INTEREST),
               "encode (ms)", "decode (ms)", "peak memory (MiB)"]
    body = [
        [row.name, row.origin, format_number(row.bd_psnr, 1), format_number(row.bd_psnr_check, 1),
         format_number(row.bd_ms_ssim, 1), *(format_number(value, 2) for value in row.psnr_at),
         format_number(row.encode_ms, 0), format_number(row.decode_ms, 0), format_number(row.memory_mib, 0)]
        for row in rows
    ]
    legend = (f"Measured rows: {title}; published rows: as their sources report them (all 24 Kodak images). "
              f"BD-rate vs {anchor_name} (negative: fewer bits for the same quality) over the overlapping "
              f"quality range, {PRIMARY_METHOD} interpolation ({SECONDARY_METHOD} as a check); MS-SSIM in dB. "
              "PSNR-RGB read off each curve, linear in log-rate. Times are medians per image; "
              "n/a: not available (outside the curve, or published).\n\n")
    return f"# {title}\n\n" + legend + markdown_table(headers, body)
