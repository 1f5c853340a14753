"""The timing helpers (nvc only; CompressAI's import is too slow for the unit tests)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from kodak_eval.timing import TimingRow, median_seconds, padded_tensor, time_nvc, timing_markdown


def test_median_seconds_counts_warmup_and_runs():
    calls = []
    assert median_seconds(lambda: calls.append(1), runs=3, warmup=1) >= 0
    assert len(calls) == 4


def test_padded_tensor_pads_to_stride():
    image = Image.fromarray(np.zeros((40, 70, 3), np.uint8))
    assert tuple(padded_tensor(image).shape) == (1, 3, 64, 128)


def test_time_nvc_and_table(tmp_path, tiny_model, photo_like):
    image = Image.fromarray(photo_like)
    row = time_nvc(image, 4, tiny_model, runs=1)
    assert row.codec == "nvc" and row.encode_s > 0 and row.decode_s > 0
    path = tmp_path / "kodim01.png"
    image.save(path)
    table = timing_markdown([row, TimingRow("other", "x", 0.5, 0.25)], path, runs=1)
    assert "kodim01.png (80x48)" in table and "torch.get_num_threads()" in table
    assert "| 500.0" in table and "| 250.0" in table
