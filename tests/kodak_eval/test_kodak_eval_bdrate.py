"""BD-rate and the comparison table on synthetic RD curves with known answers."""

from __future__ import annotations

import math

import pytest

from kodak_eval.bdrate import PRIMARY_METHOD, SECONDARY_METHOD, Curve, bd_rate, quality_overlap
from kodak_eval.metrics import ms_ssim_db
from kodak_eval.report import RATES_OF_INTEREST, dataset_title, report_markdown, report_row

BPP = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2]
PSNR = [27.0, 29.5, 32.3, 35.4, 38.6, 41.9]
MS_SSIM = [0.90, 0.94, 0.965, 0.98, 0.99, 0.995]


def results(name: str, bpp: list[float], psnr: list[float], ms_ssim: list[float] | None = None) -> dict:
    values = {"bpp": bpp, "psnr-rgb": psnr}
    if ms_ssim is not None:
        values["ms-ssim-rgb"] = ms_ssim
    return {"name": name, "results": values}


def curve(name: str, bpp: list[float], psnr: list[float]) -> Curve:
    return Curve.from_results(results(name, bpp, psnr))


@pytest.mark.parametrize("method", [PRIMARY_METHOD, SECONDARY_METHOD])
def test_rates_scaled_by_0_8_give_minus_20_percent(method):
    anchor = curve("A", BPP, PSNR)
    test = curve("B", [0.8 * rate for rate in BPP], PSNR)
    assert bd_rate(anchor, test, method) == pytest.approx(-20.0, abs=1e-9)
    assert bd_rate(test, anchor, method) == pytest.approx(25.0, abs=1e-9)
    assert bd_rate(anchor, anchor, method) == pytest.approx(0.0, abs=1e-12)


def test_ms_ssim_bd_rate_is_computed_in_decibels():
    anchor = Curve.from_results(results("A", BPP, PSNR, MS_SSIM), "ms-ssim")
    test = Curve.from_results(results("B", [1.3 * r for r in BPP], PSNR, MS_SSIM), "ms-ssim")
    assert anchor.quality == pytest.approx([ms_ssim_db(v) for v in MS_SSIM])
    assert bd_rate(anchor, test) == pytest.approx(30.0, abs=1e-9)
    in_db = Curve.from_results({"name": "D", "results": {"bpp": BPP, "ms-ssim-db": list(anchor.quality)}}, "ms-ssim")
    assert in_db.quality == anchor.quality


def test_only_the_overlapping_range_counts():
    # log(rate) linear in PSNR, so any subset of the points interpolates to the same line.
    psnr = [27.0 + 3.0 * index for index in range(len(BPP))]
    anchor = curve("A", BPP, psnr)
    test = curve("B", [1.5 * rate for rate in BPP[3:]], psnr[3:])  # overlap: 36..42 of 27..42
    assert quality_overlap(anchor, test) == pytest.approx(6.0 / 15.0)
    assert bd_rate(anchor, test) == pytest.approx(50.0, abs=1e-9)


def test_unsorted_points_are_sorted_and_nan_points_dropped():
    test = curve("B", [0.8 * rate for rate in reversed(BPP)] + [1.0], list(reversed(PSNR)) + [math.nan])
    assert test.quality == tuple(PSNR)
    assert bd_rate(curve("A", BPP, PSNR), test) == pytest.approx(-20.0, abs=1e-9)


def test_not_computable_gives_nan():
    anchor = curve("A", BPP, PSNR)
    assert math.isnan(bd_rate(anchor, curve("far", [0.1, 0.2], [10.0, 12.0])))
    assert math.isnan(bd_rate(anchor, curve("one", [0.5], [33.0])))
    assert math.isnan(bd_rate(anchor, None))
    assert Curve.from_results({"name": "no points", "results": {}}) is None


def test_quality_at_interpolates_in_log_rate():
    line = curve("L", [0.125, 0.5, 2.0], [30.0, 34.0, 38.0])
    assert line.quality_at(0.25) == pytest.approx(32.0)
    assert line.quality_at(1.0) == pytest.approx(36.0)
    assert math.isnan(line.quality_at(4.0))


def test_report_row_and_table():
    anchor = results("Anchor", BPP, PSNR, MS_SSIM)
    measured = results("ours", [0.8 * r for r in BPP], PSNR, MS_SSIM)
    measured["results"].update(encoding_time=[0.1, 0.3, 0.2], decoding_time=[0.05, 0.04, 0.06])
    measured["peak_memory_mib"] = 12.5
    row = report_row(measured, anchor, "measured")
    assert row.bd_psnr == pytest.approx(-20.0) and row.bd_psnr_check == pytest.approx(-20.0)
    assert row.bd_ms_ssim == pytest.approx(-20.0)
    assert row.encode_ms == pytest.approx(200.0) and row.decode_ms == pytest.approx(50.0)
    assert len(row.psnr_at) == len(RATES_OF_INTEREST)
    published = report_row(results("theirs", BPP, PSNR), anchor, "published")
    assert math.isnan(published.bd_ms_ssim) and math.isnan(published.encode_ms)
    heading, _, *table = report_markdown([row, published], "Anchor", "Kodak (3 images)").strip().splitlines()
    assert heading == "# Kodak (3 images)" and "Measured rows: Kodak (3 images)" in table[0]
    assert "vs Anchor" in table[0]
    assert table[4].startswith("| ours") and "-20.0" in table[4] and "| 200 " in table[4] and "| 12 " in table[4]
    assert table[5].startswith("| theirs") and "n/a" in table[5]


def test_dataset_title_names_the_image_count():
    assert dataset_title([{"images": 24}, {"images": 24}]) == "Kodak (24 images)"
    assert dataset_title([{"images": 6}], available=24) == "Kodak (6 of 24 images)"
    assert dataset_title([{"images": 24}], available=24) == "Kodak (24 images)"
    assert dataset_title([{"images": 1}]) == "Kodak (1 image)"
    assert dataset_title([{"images": 2}, {"images": 24}]) == "Kodak (2/24 images)"  # results of different runs
    assert dataset_title([{"name": "published, no count"}]) == "Kodak"
