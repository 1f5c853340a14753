"""The video report: which codecs are compared, BD-rates on known curves, and the tables."""

from __future__ import annotations

import math

import pytest

from kodak_eval.video.report import RunFacts, clip_bd_rates, comparisons, report_markdown

PSNRS = [30.0, 33.0, 36.0, 39.0]


def summary(name, bpp, shift=0.0):
    count = len(bpp)
    return {"name": name, "width": 64, "height": 48, "frames": 4, "fps": 25.0, "intra_period": 32,
            "settings": list(range(count)),
            "results": {"bpp": bpp, "psnr-y": PSNRS, "psnr-u": PSNRS, "psnr-v": PSNRS,
                        "psnr-yuv": [p + shift for p in PSNRS], "psnr-rgb": [p + shift for p in PSNRS],
                        "encoding_fps": [10.0] * count, "decoding_fps": [20.0] * count}}


def document(name, bpp, shift=0.0):
    return {"name": name, "description": f"{name} codec", "clips": {"tiny": summary(name, bpp, shift)}}


ANCHOR_BPP = [0.1, 0.2, 0.4, 0.8]


def test_everything_is_compared_with_x265_and_nvc_with_nvc_intra():
    assert comparisons(["x264", "x265", "nvc", "nvc-intra"]) == [
        ("x264", "x265"), ("nvc", "x265"), ("nvc-intra", "x265"), ("nvc", "nvc-intra")]
    assert comparisons(["x264", "nvc-intra"]) == []


def test_half_the_bits_at_the_same_quality_is_minus_fifty_percent():
    clips = {"x265": summary("x265", ANCHOR_BPP), "x264": summary("x264", [b / 2 for b in ANCHOR_BPP])}
    rates = clip_bd_rates(clips, "x264", "x265")
    assert rates["psnr-yuv"] == pytest.approx(-50.0, abs=0.01)
    assert rates["psnr"] == pytest.approx(-50.0, abs=0.01)
    assert math.isnan(clip_bd_rates(clips, "nvc", "x265")["psnr"])


def test_report_lists_points_bd_rates_and_speed():
    documents = [document("x265", ANCHOR_BPP), document("x264", [2 * b for b in ANCHOR_BPP]),
                 document("nvc-intra", [b * 10 for b in ANCHOR_BPP], shift=-20.0)]
    text = report_markdown(documents, RunFacts(intra_period=32, frames=None, threads=2, workers=1))
    assert "intra period 32 frames" in text and "2 thread(s)" in text
    assert "| x264      | x265    | 100.0 / 100.0 | 100.0 / 100.0 |" in text  # all-clips table (one clip)
    assert "| nvc-intra | x265    | n/a / n/a" in text  # no overlapping quality range
    assert text.count("| x264      | 3       |") == 1  # RD table: one row per point
    assert "| x265      | 10.0 / 20.0 |" in text  # speed table
