"""``python -m kodak_eval overfit``: the overfitted codec's benchmark writes its table, curves and plot."""

from __future__ import annotations

import csv

import numpy as np
from click.testing import CliRunner
from PIL import Image

from kodak_eval.cli import main
from nvc.overfit import presets
from nvc.overfit.fit import Schedule

TINY = Schedule(main_iterations=100, final_iterations=10, warmup_candidates=2, warmup_survivors=1, warmup_iterations=10)


def test_overfit_benchmark(tmp_path, monkeypatch):
    monkeypatch.setitem(presets.EFFORTS, "fast", TINY)
    rng = np.random.default_rng(0)
    image = tmp_path / "small.png"
    Image.fromarray(rng.integers(0, 256, (24, 40, 3), dtype=np.uint8)).save(image)
    out = tmp_path / "bench"
    result = CliRunner().invoke(main, ["overfit", "--image", str(image), "--efforts", "fast", "--steps", "2",
                                       "--decodes", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = (out / "summary.md").read_text()
    assert "one fitting iteration" in summary and "MAC per pixel" in summary
    rows = list(csv.DictReader((out / "curves.csv").open()))
    assert {row["phase"] for row in rows} == {"warm-up", "main", "final"}
    assert int(rows[-1]["iteration"]) == TINY.iterations
    assert (out / "curves.png").stat().st_size > 0


def test_unknown_effort(tmp_path):
    result = CliRunner().invoke(main, ["overfit", "--efforts", "extreme", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown effort extreme" in result.output
