"""End to end: ``python -m kodak_eval``'s main() on two tiny PNGs with the tiny test model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from kodak_eval.__main__ import main

WIDTH, HEIGHT = 56, 40


def write_images(folder, count=2):
    folder.mkdir()
    rng = np.random.default_rng(1)
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    for index in range(1, count + 1):
        base = np.stack([rows * 5 + index * 20, cols * 4, (rows + cols) * 3], axis=2) % 256
        pixels = np.clip(base + rng.integers(-6, 7, base.shape), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"kodim{index:02d}.png")


def write_anchor(folder):
    folder.mkdir()
    results = {"bpp": [0.5, 1.0, 2.0, 4.0], "psnr-rgb": [5.0, 10.0, 15.0, 20.0]}
    (folder / "ref.json").write_text(json.dumps({"name": "Ref", "results": results}))


def test_nvc_loop_writes_streams_decoded_json_and_table(tmp_path, tiny_model, capsys):
    images, anchors, out = tmp_path / "images", tmp_path / "anchors", tmp_path / "out"
    write_images(images)
    write_anchor(anchors)
    code = main(["--images", str(images), "--model", tiny_model, "--qualities", "1,8", "--out", str(out),
                 "--anchors", str(anchors), "--against", "ref", "--no-progress"])
    assert code == 0

    summary = json.loads((out / f"nvc-{tiny_model}.json").read_text())
    assert set(summary) == {"name", "description", "results"}
    assert summary["name"] == f"nvc-{tiny_model}"
    assert set(summary["results"]) == {"bpp", "psnr-rgb", "encoding_time", "decoding_time"}
    assert all(len(values) == 2 for values in summary["results"].values())

    records = json.loads((out / "per_image.json").read_text())
    assert len(records) == 4
    keys = {"image", "quality", "bytes", "bpp", "psnr_rgb", "encode_s", "decode_s"}
    for record in records:
        assert set(record) == keys
        stream = out / "streams" / f"q{record['quality']}" / f"{record['image']}.nvc"
        decoded = out / "decoded" / f"q{record['quality']}" / f"{record['image']}.png"
        assert record["bytes"] == stream.stat().st_size
        assert record["bpp"] == pytest.approx(8 * stream.stat().st_size / (WIDTH * HEIGHT))
        assert Image.open(decoded).size == (WIDTH, HEIGHT)
        assert record["encode_s"] > 0 and record["decode_s"] > 0

    for index, quality in enumerate([1, 8]):
        group = [r for r in records if r["quality"] == quality]
        assert summary["results"]["bpp"][index] == pytest.approx(np.mean([r["bpp"] for r in group]))
        assert summary["results"]["psnr-rgb"][index] == pytest.approx(np.mean([r["psnr_rgb"] for r in group]))

    table = (out / "bdrate.md").read_text()
    assert f"nvc-{tiny_model}.json (this run)" in table and "ref.json" in table
    assert table in capsys.readouterr().out


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_or_empty_image_folder_is_a_one_line_error(tmp_path, capsys, make):
    folder = tmp_path / "kodak"
    if make == "empty":
        folder.mkdir()
    assert main(["--images", str(folder), "--out", str(tmp_path / "out")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert str(folder) in error and "24 Kodak PNGs" in error
    assert not (tmp_path / "out").exists()


def test_unknown_anchor_fails_before_coding(tmp_path, tiny_model, capsys):
    images, anchors, out = tmp_path / "images", tmp_path / "anchors", tmp_path / "out"
    write_images(images, count=1)
    write_anchor(anchors)
    assert main(["--images", str(images), "--model", tiny_model, "--out", str(out), "--anchors", str(anchors)]) == 1
    assert "no anchor 'vtm'" in capsys.readouterr().err
    assert not out.exists()


def test_quality_out_of_range_is_an_error(tmp_path, tiny_model, capsys):
    images = tmp_path / "images"
    write_images(images, count=1)
    assert main(["--images", str(images), "--model", tiny_model, "--qualities", "0,9"]) == 1
    assert "quality levels 1..8" in capsys.readouterr().err
