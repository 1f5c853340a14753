"""RD curves from CompressAI-format result JSONs and BD-rate tables between them.

BD-rate is computed on PSNR-RGB with the ``bjontegaard`` package, which integrates the
interpolated log-rate curves over the overlapping PSNR range only. The main column uses
Akima interpolation (``PRIMARY_METHOD``): the package's authors found it more accurate
and stable than the alternatives. The second column uses PCHIP (``SECONDARY_METHOD``),
the interpolation of the JCT-VC/JVET common-test-conditions Excel sheet, as a
robustness check: a large gap between the two means the number is not to be trusted.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bjontegaard
import numpy as np

from kodak_eval.errors import EvalError
from kodak_eval.tables import format_number, markdown_table

PRIMARY_METHOD = "akima"
SECONDARY_METHOD = "pchip"
RATE_KEY, PSNR_KEY = "bpp", "psnr-rgb"


@dataclass(frozen=True)
class Curve:
    """An RD curve: bpp and PSNR-RGB points, sorted by increasing PSNR."""

    name: str
    bpp: tuple[float, ...]
    psnr: tuple[float, ...]

    @classmethod
    def from_results(cls, data: dict[str, Any]) -> Curve | None:
        """The curve of a CompressAI-format dict, or None if it has no bpp/PSNR-RGB points."""
        results = data.get("results", {})
        rates, psnrs = results.get(RATE_KEY), results.get(PSNR_KEY)
        if not rates or not psnrs or len(rates) != len(psnrs):
            return None
        points = sorted(zip(psnrs, rates))
        return cls(str(data.get("name", "?")), tuple(r for _, r in points), tuple(p for p, _ in points))


def load_curves(folder: Path) -> dict[str, Curve]:
    """Curves of every *.json in ``folder`` with PSNR-RGB points, keyed by file stem.

    Files without ``psnr-rgb`` (e.g. MS-SSIM-only results) are skipped.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise EvalError(f"anchor folder {folder} does not exist (pass --anchors DIR)")
    curves = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise EvalError(f"cannot read anchor {path}: {error}") from error
        curve = Curve.from_results(data) if isinstance(data, dict) else None
        if curve is not None:
            curves[path.stem] = curve
    return curves


def select_anchor(curves: dict[str, Curve], against: str) -> Curve:
    """The curve named ``against`` (a file stem); EvalError listing the choices otherwise."""
    try:
        return curves[against]
    except KeyError:
        raise EvalError(f"no anchor '{against}' with PSNR-RGB points (available: {', '.join(curves)})") from None


def psnr_overlap(anchor: Curve, test: Curve) -> float:
    """Overlap of the two PSNR ranges as a fraction of their union (as the package computes it)."""
    low, high = max(anchor.psnr[0], test.psnr[0]), min(anchor.psnr[-1], test.psnr[-1])
    union = max(anchor.psnr[-1], test.psnr[-1]) - min(anchor.psnr[0], test.psnr[0])
    return max(high - low, 0.0) / union if union > 0 else 0.0


def bd_rate(anchor: Curve, test: Curve, method: str = PRIMARY_METHOD) -> float:
    """BD-rate (%) of ``test`` vs ``anchor`` on PSNR-RGB; NaN if it cannot be computed.

    NaN when a curve has fewer than 2 points, the PSNR ranges do not overlap, or the
    points cannot be interpolated (e.g. repeated PSNR values).
    """
    if min(len(anchor.psnr), len(test.psnr)) < 2 or psnr_overlap(anchor, test) == 0.0:
        return math.nan
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = bjontegaard.bd_rate(
                np.array(anchor.bpp), np.array(anchor.psnr), np.array(test.bpp), np.array(test.psnr),
                method=method, require_matching_points=False, min_overlap=0,
            )
    except (ValueError, AssertionError):
        return math.nan
    return float(value)


@dataclass(frozen=True)
class BdRow:
    """One line of a BD-rate table."""

    label: str  # where the curve comes from (file name)
    curve: Curve
    overlap: float  # PSNR-range overlap with the anchor, 0..1
    primary: float  # BD-rate % with PRIMARY_METHOD
    secondary: float  # BD-rate % with SECONDARY_METHOD


def bd_rate_rows(curves: dict[str, Curve], anchor: Curve) -> list[BdRow]:
    """BD-rate of every curve (keyed by label) against ``anchor``, in the given order."""
    return [
        BdRow(label, curve, psnr_overlap(anchor, curve), bd_rate(anchor, curve, PRIMARY_METHOD),
              bd_rate(anchor, curve, SECONDARY_METHOD))
        for label, curve in curves.items()
    ]


def bd_rate_markdown(rows: list[BdRow], anchor_label: str) -> str:
    """The rows as a markdown table with a one-line explanation above it."""
    headers = ["codec", "file", "points", "PSNR range (dB)", "overlap",
               f"BD-rate {PRIMARY_METHOD} (%)", f"BD-rate {SECONDARY_METHOD} (%)"]
    body = [
        [row.curve.name, row.label, str(len(row.curve.psnr)),
         f"{row.curve.psnr[0]:.2f}-{row.curve.psnr[-1]:.2f}", f"{100 * row.overlap:.0f}%",
         format_number(row.primary, 1), format_number(row.secondary, 1)]
        for row in rows
    ]
    intro = (f"BD-rate on PSNR-RGB vs `{anchor_label}` (negative = fewer bits than the anchor), "
             f"over the overlapping PSNR range; {PRIMARY_METHOD} interpolation, {SECONDARY_METHOD} as a check. "
             "n/a: fewer than 2 points or no overlap.\n\n")
    return intro + markdown_table(headers, body)
