"""What nvc says besides errors: nothing on success, one summary line with --verbose (or on
a terminal: tests/cli/test_cli_process.py), warnings silenced by --quiet."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import nvc
from cli.main import main


@pytest.fixture
def png(tmp_path: Path, photo_like: np.ndarray) -> Path:
    path = tmp_path / "in.png"
    Image.fromarray(photo_like).save(path)
    return path


def test_success_is_silent_and_verbose_adds_one_line(png: Path, tiny_model: str) -> None:
    stream, restored = png.with_name("out.nvc"), png.with_name("out.png")
    silent = CliRunner().invoke(main, ["compress", str(png), str(stream), "--model", tiny_model])
    assert silent.exit_code == 0 and silent.output == ""

    verbose = CliRunner().invoke(main, ["compress", "-v", str(png), str(stream), "--model", tiny_model])
    size = stream.stat().st_size
    assert verbose.exit_code == 0 and verbose.stdout == ""
    assert re.fullmatch(rf"{png} -> {stream}: {size} bytes, {8 * size / (80 * 48):.4f} bpp, \d+\.\d\d s\n",
                        verbose.stderr)

    decompressed = CliRunner().invoke(main, ["decompress", "--verbose", str(stream), str(restored)])
    assert re.fullmatch(rf"{stream} -> {restored}: 80x48, \d+\.\d\d s\n", decompressed.stderr)


def test_quiet_silences_warnings(png: Path, tiny_model: str, monkeypatch) -> None:
    encode = nvc.encode

    def warning_encode(*args, **kwargs):
        warnings.warn("something to warn about", UserWarning)
        return encode(*args, **kwargs)

    monkeypatch.setattr(nvc, "encode", warning_encode)
    arguments = ["compress", str(png), str(png.with_name("out.nvc")), "--model", tiny_model]
    with pytest.warns(UserWarning, match="something to warn about"):
        assert CliRunner().invoke(main, arguments).exit_code == 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet = CliRunner().invoke(main, [*arguments, "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == "" and caught == []


def test_quiet_and_verbose_exclude_each_other(png: Path) -> None:
    result = CliRunner().invoke(main, ["compress", "--quiet", "-v", str(png), str(png.with_name("out.nvc"))])
    assert result.exit_code == 2 and "--quiet and --verbose exclude each other" in result.stderr
