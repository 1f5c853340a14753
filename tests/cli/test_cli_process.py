"""The CLI in a fresh interpreter, as a user runs it: real exit codes, real stdio, clean stderr.

In-process CliRunner tests cannot see warnings that print once per process (pytest
captures them, and torch suppresses repeats), so one run here goes through a
subprocess. It registers the session's tiny model in the child and calls ``main()``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nvc
from nvc.registry import get_model_entry

REPO = Path(__file__).resolve().parents[2]

LAUNCHER = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from nvc.image.config import HyperpriorConfig
from nvc.registry import ModelEntry, register_model
register_model(ModelEntry({name!r}, "0", "hyperprior", Path({weights!r}), {sha256!r}, HyperpriorConfig(**{config!r}), "test model"))
from cli.main import main
main()
"""


@pytest.fixture
def nvc_command(tmp_path: Path, tiny_model: str):
    entry = get_model_entry(tiny_model)
    launcher = tmp_path / "launch_nvc.py"
    launcher.write_text(
        LAUNCHER.format(
            repo=str(REPO),
            name=entry.name,
            weights=str(entry.weights),
            sha256=entry.sha256,
            config=entry.config.to_dict(),
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}

    def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(launcher), *args], input=stdin, capture_output=True, env=env, timeout=120
        )

    return run


def test_real_process_compress_has_clean_stderr(tiny_model: str, photo_like: np.ndarray, nvc_command):
    """One run (a fresh interpreter costs seconds): stdin PNG -> stdout stream, nothing on stderr."""
    png = io.BytesIO()
    Image.fromarray(photo_like).save(png, format="PNG")

    compressed = nvc_command("compress", "-", "-", "--model", tiny_model, "--quality", "2", stdin=png.getvalue())

    assert compressed.returncode == 0, compressed.stderr
    assert compressed.stderr == b""  # e.g. no torch UserWarning about read-only arrays
    assert compressed.stdout == nvc.encode(photo_like, quality=2, model=tiny_model)


def test_a_reader_that_goes_away_gets_no_error_message(tiny_model: str, photo_like: np.ndarray, nvc_command,
                                                     tmp_path: Path):
    """``nvc info x.nvc | head -0``: the closed pipe ends nvc quietly, without a traceback or an error line."""
    stream = tmp_path / "photo.nvc"
    stream.write_bytes(nvc.encode(photo_like, quality=2, model=tiny_model))
    process = subprocess.Popen([sys.executable, str(tmp_path / "launch_nvc.py"), "info", str(stream)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # long before the child has imported torch and written anything
    _, stderr = process.communicate(timeout=120)
    assert stderr == b""
    assert process.returncode == 1
