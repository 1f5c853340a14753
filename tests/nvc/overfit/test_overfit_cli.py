"""The overfitted family through the command line: compress with an effort, info, decompress."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner
from PIL import Image

from cli.main import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_compress_info_decompress(tmp_path, overfit_image, tiny_effort):
    source, stream, restored = tmp_path / "in.png", tmp_path / "in.nvc", tmp_path / "out.png"
    Image.fromarray(overfit_image).save(source)
    result = run("compress", str(source), str(stream), "--model", "overfit", "--effort", tiny_effort, "-q", "5")
    assert result.exit_code == 0, result.output
    info = run("info", str(stream))
    assert info.exit_code == 0, info.output
    lines = dict(line.split(":", 1) for line in info.output.splitlines() if ":" in line)
    assert lines["model"].strip() == "overfit"
    assert int(lines["network bytes"]) > 0
    assert 0 < float(lines["MAC per pixel"]) <= 3000
    grids = sum(int(lines[f"grid {level} bytes"]) for level in range(7))
    assert grids + int(lines["network bytes"]) < stream.stat().st_size
    result = run("decompress", str(stream), str(restored))  # no model flag needed
    assert result.exit_code == 0, result.output
    assert np.asarray(Image.open(restored)).shape == overfit_image.shape


def test_unknown_effort_is_a_usage_error(tmp_path, overfit_image):
    source = tmp_path / "in.png"
    Image.fromarray(overfit_image).save(source)
    result = run("compress", str(source), str(tmp_path / "x.nvc"), "--model", "overfit", "--effort", "extreme")
    assert result.exit_code == 2
    assert "extreme" in result.stderr
