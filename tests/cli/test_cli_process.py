"""The CLI in a fresh interpreter, as a user runs it: real exit codes, real stdio, clean stderr.

In-process CliRunner tests cannot see warnings that print once per process (pytest
captures them, and torch suppresses repeats), so one run here goes through a
subprocess. It registers the session's tiny model in the child and calls ``main()``.
"""

from __future__ import annotations

import io
import os
import pty
import re
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

    def run(*args: str, stdin: bytes = b"", **streams) -> subprocess.CompletedProcess:
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **streams}
        return subprocess.run([sys.executable, str(launcher), *args], input=stdin, env=env, timeout=120, **streams)

    return run


def on_a_terminal(run, stream: str) -> tuple[subprocess.CompletedProcess, bytes]:
    """``run()`` with its ``stream`` ("stdout" or "stderr") on a pseudo-terminal: the
    finished process and what it wrote to the terminal."""
    terminal, child_side = pty.openpty()
    try:
        finished = run(**{stream: child_side})
    finally:
        os.close(child_side)
    written = b""
    try:
        while chunk := os.read(terminal, 1 << 16):
            written += chunk
    except OSError:  # Linux ends a pty whose other side is closed with EIO
        pass
    os.close(terminal)
    return finished, written


START_UP = """
import sys
sys.path.insert(0, {repo!r})
from cli.main import main
codes = []
for args in (["--help"], ["--version"], ["compress", "--help"], ["compress"], ["compress", "a.png", "b.nvc", "-q", "x"],
             ["decompress", "--bogus"], ["no-such-command"]):
    try:
        main(args)
    except SystemExit as end:
        codes.append(end.code)
heavy = sorted(name for name in ("torch", "compressai", "av", "tqdm", "scipy") if name in sys.modules)
print("RESULT", codes, heavy)
"""


def test_help_version_and_argument_errors_do_not_import_torch():
    """Start-up cost: these answer from click and the registry alone (no torch, compressai, PyAV, tqdm)."""
    answered = subprocess.run([sys.executable, "-c", START_UP.format(repo=str(REPO))], capture_output=True,
                              text=True, timeout=120)
    assert answered.stdout.splitlines()[-1] == "RESULT [0, 0, 0, 2, 2, 2, 2] []", answered.stderr


@pytest.mark.parametrize("command", ["compress", "decompress"])
def test_binary_data_is_not_written_to_a_terminal(tmp_path: Path, tiny_model: str, photo_like: np.ndarray,
                                                 nvc_command, command: str):
    """As gzip does: one error line, exit 1, nothing on the terminal (and no model loaded)."""
    source = tmp_path / "in"
    source.write_bytes(nvc.encode(photo_like, quality=2, model=tiny_model) if command == "decompress" else b"")
    finished, written = on_a_terminal(lambda **streams: nvc_command(command, str(source), "-", **streams), "stdout")
    assert finished.returncode == 1
    assert written == b""
    assert finished.stderr == b"nvc: error: " + (b"compressed" if command == "compress" else b"image") + (
        b" data not written to a terminal (redirect stdout or name an output file)\n")


def test_compress_tells_a_terminal_its_bytes_bpp_and_time_in_one_line(tmp_path: Path, tiny_model: str,
                                                                      photo_like: np.ndarray, nvc_command):
    source, stream = tmp_path / "in.png", tmp_path / "out.nvc"
    Image.fromarray(photo_like).save(source)
    finished, written = on_a_terminal(
        lambda **streams: nvc_command("compress", str(source), str(stream), "--model", tiny_model, **streams), "stderr")
    assert finished.returncode == 0 and finished.stdout == b""
    lines = [line for line in re.split(r"[\r\n]+", written.decode()) if "->" in line]  # not progress bars
    size = stream.stat().st_size
    assert len(lines) == 1, written
    assert re.fullmatch(rf"{source} -> {stream}: {size} bytes, {8 * size / (48 * 80):.4f} bpp, \d+\.\d\d s", lines[0])


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
