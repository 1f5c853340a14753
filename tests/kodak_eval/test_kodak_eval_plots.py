"""plot_rd writes readable PNG and SVG files, with and without MS-SSIM values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from kodak_eval.plots import msssim_db, plot_rd


def _summary(name: str, bpp: list[float], psnr: list[float], msssim: list[float] | None = None) -> dict:
    results: dict = {"bpp": bpp, "psnr-rgb": psnr}
    if msssim is not None:
        results["ms-ssim-rgb"] = msssim
    return {"name": name, "description": name, "results": results}


def test_plot_rd_writes_png_and_svg(tmp_path):
    measured = [_summary("nvc", [0.9, 0.2, 0.5], [33.0, 28.0, 30.5], [0.98, 0.93, math.nan])]
    published = [
        _summary("JPEG", [0.3, 1.0, 3.0], [26.0, 31.0, 38.0], [0.90, 0.96, 0.99]),
        _summary("BPG", [0.2, 0.8], [28.5, 33.5]),  # no ms-ssim: PSNR panel only
        _summary("all-nan", [0.2, 0.8], [27.0, 32.0], [math.nan, math.nan]),
    ]
    paths = plot_rd(measured, published, tmp_path / "plots" / "kodak_rd", title="Test")
    assert [path.suffix for path in paths] == [".png", ".svg"]
    assert all(path.parent == tmp_path / "plots" and path.stat().st_size > 0 for path in paths)
    with Image.open(paths[0]) as image:
        assert image.format == "PNG" and image.width > 100
    assert "<svg" in paths[1].read_text()


def test_plot_rd_with_no_curves(tmp_path):
    paths = plot_rd([], [], tmp_path / "empty")
    assert all(path.exists() for path in paths)


def test_msssim_db():
    assert msssim_db(np.array([0.9, 0.99]))[0] == pytest.approx(10.0)
    assert msssim_db(np.array([0.99]))[0] == pytest.approx(20.0)
    assert math.isnan(msssim_db(np.array([math.nan]))[0])
