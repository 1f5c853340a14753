"""BD-rate table code on synthetic RD curves with known answers."""

from __future__ import annotations

import json
import math

import pytest

from kodak_eval.bdrate import (
    PRIMARY_METHOD,
    SECONDARY_METHOD,
    Curve,
    bd_rate,
    bd_rate_markdown,
    bd_rate_rows,
    load_curves,
    psnr_overlap,
    select_anchor,
)
from kodak_eval.errors import EvalError

BPP = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2]
PSNR = [27.0, 29.5, 32.3, 35.4, 38.6, 41.9]


def curve(name: str, bpp: list[float], psnr: list[float]) -> Curve:
    return Curve.from_results({"name": name, "results": {"bpp": bpp, "psnr-rgb": psnr}})


@pytest.mark.parametrize("method", [PRIMARY_METHOD, SECONDARY_METHOD])
def test_rates_scaled_by_0_8_give_minus_20_percent(method):
    anchor = curve("A", BPP, PSNR)
    test = curve("B", [0.8 * rate for rate in BPP], PSNR)
    assert bd_rate(anchor, test, method) == pytest.approx(-20.0, abs=1e-9)
    assert bd_rate(test, anchor, method) == pytest.approx(25.0, abs=1e-9)
    assert bd_rate(anchor, anchor, method) == pytest.approx(0.0, abs=1e-12)


def test_only_the_overlapping_psnr_range_counts():
    # log(rate) linear in PSNR, so any subset of the points interpolates to the same line.
    psnr = [27.0 + 3.0 * index for index in range(len(BPP))]
    anchor = curve("A", BPP, psnr)
    # Same curve at 1.5x rate, but only its upper half: the overlap is PSNR 36..42 of 27..42.
    test = curve("B", [1.5 * rate for rate in BPP[3:]], psnr[3:])
    assert psnr_overlap(anchor, test) == pytest.approx(6.0 / 15.0)
    assert bd_rate(anchor, test) == pytest.approx(50.0, abs=1e-9)


def test_unsorted_points_are_sorted():
    anchor = curve("A", BPP, PSNR)
    test = curve("B", [0.8 * rate for rate in reversed(BPP)], list(reversed(PSNR)))
    assert test.psnr == tuple(PSNR)
    assert bd_rate(anchor, test) == pytest.approx(-20.0, abs=1e-9)


def test_not_computable_gives_nan():
    anchor = curve("A", BPP, PSNR)
    assert math.isnan(bd_rate(anchor, curve("far", [0.1, 0.2], [10.0, 12.0])))
    assert math.isnan(bd_rate(anchor, curve("one", [0.5], [33.0])))


def test_load_curves_skips_files_without_psnr(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"name": "A", "results": {"bpp": BPP, "psnr-rgb": PSNR}}))
    (tmp_path / "ssim.json").write_text(json.dumps({"name": "S", "results": {"bpp": BPP, "ms-ssim-db": PSNR}}))
    curves = load_curves(tmp_path)
    assert list(curves) == ["a"]
    assert select_anchor(curves, "a").name == "A"
    with pytest.raises(EvalError, match="available: a"):
        select_anchor(curves, "vtm")
    with pytest.raises(EvalError, match="does not exist"):
        load_curves(tmp_path / "missing")


def test_table_lists_every_curve_with_both_methods():
    anchor = curve("A", BPP, PSNR)
    curves = {"a.json": anchor, "b.json": curve("B", [0.8 * r for r in BPP], PSNR), "far.json": curve("F", [1, 2], [5, 6])}
    rows = bd_rate_rows(curves, anchor)
    assert [row.label for row in rows] == list(curves)
    assert rows[1].primary == pytest.approx(-20.0) and rows[1].secondary == pytest.approx(-20.0)
    table = bd_rate_markdown(rows, "a.json")
    lines = table.strip().splitlines()
    assert f"BD-rate {PRIMARY_METHOD} (%)" in lines[2] and f"BD-rate {SECONDARY_METHOD} (%)" in lines[2]
    assert "| -20.0" in lines[5] and lines[5].count("-20.0") == 2
    assert "n/a" in lines[6]
