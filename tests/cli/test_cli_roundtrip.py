"""End-to-end CLI runs: compress then decompress, formats, gray, alpha, stdin/stdout."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import nvc
from cli.main import main


def run(*args: str, input: bytes | None = None):
    """Invoke the nvc click app in-process; stdout and stderr are captured separately."""
    return CliRunner().invoke(main, list(args), input=input)


def assert_ok(result) -> None:
    assert result.exception is None, result.exc_info
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def save_png(path: Path, array: np.ndarray, mode: str) -> Path:
    image = Image.fromarray(array)  # mode follows the array: (H, W) -> L, (H, W, 4) -> RGBA
    assert image.mode == mode
    image.save(path, format="PNG")
    return path


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_compress_then_decompress_png(tmp_path, tiny_model, photo_like):
    source = save_png(tmp_path / "photo.png", photo_like, "RGB")
    original = source.read_bytes()
    stream, restored = tmp_path / "photo.nvc", tmp_path / "restored.png"

    assert_ok(run("compress", str(source), str(stream), "--model", tiny_model, "--quality", "3"))
    assert stream.read_bytes().startswith(b"\x8bNVC\r\n\x1a\n")
    assert_ok(run("decompress", str(stream), str(restored)))

    with Image.open(restored) as image:
        assert image.format == "PNG"
        assert image.mode == "RGB"
        assert image.size == (80, 48)
    assert source.read_bytes() == original
    assert not [name for name in files_in(tmp_path) if name.endswith(".part")]


def test_compress_output_is_a_valid_stream_of_the_image(tmp_path, tiny_model, photo_like):
    source = save_png(tmp_path / "photo.png", photo_like, "RGB")
    stream = tmp_path / "photo.nvc"
    assert_ok(run("compress", str(source), str(stream), "-m", tiny_model, "-q", "5"))
    header = nvc.read_header(stream.read_bytes())
    assert (header.model, header.width, header.height, header.channels, header.quality) == (tiny_model, 80, 48, 3, 5)
    # The CLI writes exactly what the library produces for the same pixels.
    assert stream.read_bytes() == nvc.encode(photo_like, quality=5, model=tiny_model)


@pytest.mark.parametrize(
    ("extension", "pillow_format"), [(".jpg", "JPEG"), (".jpeg", "JPEG"), (".webp", "WEBP"), (".PNG", "PNG")]
)
def test_decompress_format_follows_extension(tmp_path, tiny_model, photo_like, extension, pillow_format):
    source = save_png(tmp_path / "photo.png", photo_like, "RGB")
    stream = tmp_path / "photo.nvc"
    assert_ok(run("compress", str(source), str(stream), "--model", tiny_model))
    destination = tmp_path / f"restored{extension}"
    assert_ok(run("decompress", str(stream), str(destination)))
    with Image.open(destination) as image:
        assert image.format == pillow_format
        assert image.size == (80, 48)


def _opaque_rgba(rgb: np.ndarray) -> np.ndarray:
    return np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2)


@pytest.mark.parametrize(
    ("name", "pixels_of", "source_mode", "decoded_mode"),
    [
        ("gray", lambda rgb: rgb[..., 0], "L", "L"),  # gray round-trips to gray
        ("opaque", _opaque_rgba, "RGBA", "RGB"),  # opaque RGBA is accepted, alpha dropped
    ],
)
def test_image_modes_round_trip(tmp_path, tiny_model, photo_like, name, pixels_of, source_mode, decoded_mode):
    source = save_png(tmp_path / f"{name}.png", pixels_of(photo_like), source_mode)
    stream, restored = tmp_path / f"{name}.nvc", tmp_path / f"{name}_out.png"
    assert_ok(run("compress", str(source), str(stream), "--model", tiny_model))
    assert_ok(run("decompress", str(stream), str(restored)))
    with Image.open(restored) as image:
        assert image.mode == decoded_mode
        assert image.size == (80, 48)


def test_stdin_to_stdout_both_ways(tmp_path, tiny_model, photo_like):
    buffer = io.BytesIO()
    Image.fromarray(photo_like).save(buffer, format="PNG")

    compressed = run("compress", "-", "-", "--model", tiny_model, "--quality", "2", input=buffer.getvalue())
    assert_ok(compressed)
    stream = compressed.stdout_bytes
    assert stream.startswith(b"\x8bNVC\r\n\x1a\n")

    decompressed = run("decompress", "-", "-", input=stream)
    assert_ok(decompressed)
    with Image.open(io.BytesIO(decompressed.stdout_bytes)) as image:
        assert image.format == "PNG"  # stdout is always PNG
        assert image.size == (80, 48)
    assert files_in(tmp_path) == set()


def test_stdio_mixed_with_files(tmp_path, tiny_model, photo_like):
    source = save_png(tmp_path / "photo.png", photo_like, "RGB")
    to_stdout = run("compress", str(source), "-", "--model", tiny_model)
    assert_ok(to_stdout)
    restored = tmp_path / "restored.webp"
    assert_ok(run("decompress", "-", str(restored), input=to_stdout.stdout_bytes))
    with Image.open(restored) as image:
        assert image.size == (80, 48)
