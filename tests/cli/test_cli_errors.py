"""CLI failures: exit code 1, one 'nvc: error:' line, no traceback, no output file, inputs untouched."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import nvc
from bitstream import Chunk, read_container, write_container
from bitstream.header import pack_header, unpack_header
from cli.main import main
from cli.video_files import VideoInfo, write_video
from nvc.video.chunks import PHDR
from nvc.video.codec import VideoParameters, encode_video

SIGNATURE = b"\x8bNVC\r\n\x1a\n"


@dataclasses.dataclass
class Case:
    """A failing command: its arguments (built from the workspace), stdin and expected message."""

    args: Callable[[Path, str], list[str]]
    message: str
    destination: str | None = None  # relative path that must not exist afterwards
    stdin: Callable[[Path], bytes] | None = None


def rewrap(stream: bytes, **header_changes) -> bytes:
    """The same stream with some header fields replaced, re-framed with valid CRCs."""
    container = read_container(stream)
    return write_container(dataclasses.replace(container.header, **header_changes), container.chunks)


@pytest.fixture
def workspace(tmp_path: Path, tiny_model: str, photo_like: np.ndarray) -> Path:
    """A folder with a PNG, a valid stream and assorted bad inputs."""
    Image.fromarray(photo_like).save(tmp_path / "photo.png")
    stream = nvc.encode(photo_like, quality=3, model=tiny_model)
    (tmp_path / "photo.nvc").write_bytes(stream)

    (tmp_path / "truncated.nvc").write_bytes(stream[: len(stream) // 2])
    container = read_container(stream)
    ylat_offset = stream.index(b"YLAT") + 4  # first data byte of the YLAT chunk
    assert len(container.chunk(b"YLAT").data) > 0
    flipped = bytearray(stream)
    flipped[ylat_offset] ^= 0x10
    (tmp_path / "flipped.nvc").write_bytes(bytes(flipped))
    (tmp_path / "random.nvc").write_bytes(np.random.default_rng(7).bytes(300))
    (tmp_path / "empty.nvc").write_bytes(b"")
    other_digest = bytes(b ^ 0xFF for b in container.header.weights_digest)
    (tmp_path / "other_weights.nvc").write_bytes(rewrap(stream, weights_digest=other_digest))
    (tmp_path / "other_model.nvc").write_bytes(rewrap(stream, model="no-such-model"))
    (tmp_path / "bad_quality.nvc").write_bytes(rewrap(stream, quality=99))
    # Valid framing, but a payload the entropy decoder cannot take (length not a multiple of 4).
    bad_payload = [Chunk(c.type, b"\x01\x02\x03" if c.type == b"YLAT" else c.data) for c in container.chunks]
    (tmp_path / "bad_payload.nvc").write_bytes(write_container(container.header, bad_payload))

    rgba = np.concatenate([photo_like, np.full((48, 80, 1), 255, np.uint8)], axis=2)
    rgba[10, 20, 3] = 254  # a single, barely transparent pixel
    Image.fromarray(rgba).save(tmp_path / "transparent.png")
    (tmp_path / "notes.txt").write_text("this is not an image\n")
    png = (tmp_path / "photo.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(png[: len(png) // 2])
    (tmp_path / "folder").mkdir()
    (tmp_path / "taken.png").mkdir()  # a directory where an output file would go
    write_video(str(tmp_path / "clip.mkv"), [photo_like[:32, :48]] * 3, VideoInfo(48, 32, Fraction(25), 3, "bt709", False))
    (tmp_path / "foreign_inter.nvc").write_bytes(with_foreign_inter_model(photo_like[:32, :48], tiny_model))
    return tmp_path


def with_foreign_inter_model(frame: np.ndarray, model: str) -> bytes:
    """A 3-frame video stream whose PHDR names other weights of the inter model."""
    out = io.BytesIO()
    encode_video([frame] * 3, out, VideoParameters(Fraction(25), intra_period=-1), 3, model)
    container = read_container(out.getvalue())
    chunks = []
    for chunk in container.chunks:
        if chunk.type == PHDR:
            inter = unpack_header(chunk.data)
            chunk = Chunk(PHDR, pack_header(dataclasses.replace(inter, weights_digest=bytes(32))))
        chunks.append(chunk)
    return write_container(container.header, chunks)


def p(folder: Path, name: str) -> str:
    return str(folder / name)


CASES = {
    "compress-missing-input": Case(
        lambda w, m: ["compress", p(w, "missing.png"), p(w, "out.nvc"), "--model", m], "no such file", "out.nvc"
    ),
    "decompress-missing-input": Case(
        lambda w, m: ["decompress", p(w, "missing.nvc"), p(w, "out.png")], "no such file", "out.png"
    ),
    "info-missing-input": Case(lambda w, m: ["info", p(w, "missing.nvc")], "no such file"),
    "compress-directory-input": Case(
        lambda w, m: ["compress", p(w, "folder"), p(w, "out.nvc"), "--model", m], "is a directory", "out.nvc"
    ),
    "decompress-directory-input": Case(
        lambda w, m: ["decompress", p(w, "folder"), p(w, "out.png")], "is a directory", "out.png"
    ),
    "compress-text-file": Case(
        lambda w, m: ["compress", p(w, "notes.txt"), p(w, "out.nvc"), "--model", m], "not a supported image", "out.nvc"
    ),
    "compress-nvc-file": Case(
        lambda w, m: ["compress", p(w, "photo.nvc"), p(w, "out.nvc"), "--model", m], "not a supported image", "out.nvc"
    ),
    "compress-truncated-png": Case(
        lambda w, m: ["compress", p(w, "cut.png"), p(w, "out.nvc"), "--model", m], "not a supported image", "out.nvc"
    ),
    "compress-empty-file": Case(
        lambda w, m: ["compress", p(w, "empty.nvc"), p(w, "out.nvc"), "--model", m], "not a supported image", "out.nvc"
    ),
    "decompress-unknown-extension": Case(
        lambda w, m: ["decompress", p(w, "photo.nvc"), p(w, "out.xyz")], "unsupported output image format", "out.xyz"
    ),
    "decompress-no-extension": Case(
        lambda w, m: ["decompress", p(w, "photo.nvc"), p(w, "out")], "unsupported output image format", "out"
    ),
    "decompress-output-is-directory": Case(
        lambda w, m: ["decompress", p(w, "photo.nvc"), p(w, "taken.png")], "output is a directory"
    ),
    "compress-output-folder-missing": Case(
        lambda w, m: ["compress", p(w, "photo.png"), p(w, "nowhere/out.nvc"), "--model", m],
        "output folder does not exist",
        "nowhere",
    ),
    "compress-unknown-model": Case(
        lambda w, m: ["compress", p(w, "photo.png"), p(w, "out.nvc"), "--model", "no-such-model"],
        "unknown model 'no-such-model'",
        "out.nvc",
    ),
    "compress-quality-0": Case(
        lambda w, m: ["compress", p(w, "photo.png"), p(w, "out.nvc"), "--model", m, "--quality", "0"],
        "quality 0 is out of range",
        "out.nvc",
    ),
    "compress-quality-99": Case(
        lambda w, m: ["compress", p(w, "photo.png"), p(w, "out.nvc"), "--model", m, "--quality", "99"],
        "quality 99 is out of range",
        "out.nvc",
    ),
    "compress-video-intra-period-0": Case(
        lambda w, m: ["compress", p(w, "clip.mkv"), p(w, "out.nvc"), "--model", m, "--intra-period", "0"],
        "intra period 0 is invalid",
        "out.nvc",
    ),
    "decompress-video-other-inter-weights": Case(
        lambda w, m: ["decompress", p(w, "foreign_inter.nvc"), p(w, "out.y4m")],
        "stream was made with other weights of model 'inter'",
        "out.y4m",
    ),
    "compress-with-the-inter-model": Case(
        lambda w, m: ["compress", p(w, "photo.png"), p(w, "out.nvc"), "--model", "inter"],
        "model 'inter' codes P-frame residuals of videos, not images",
        "out.nvc",
    ),
    "compress-transparent-rgba": Case(
        lambda w, m: ["compress", p(w, "transparent.png"), p(w, "out.nvc"), "--model", m], "transparency", "out.nvc"
    ),
    "decompress-truncated": Case(
        lambda w, m: ["decompress", p(w, "truncated.nvc"), p(w, "out.png")], "invalid nvc stream", "out.png"
    ),
    "decompress-bit-flipped": Case(
        lambda w, m: ["decompress", p(w, "flipped.nvc"), p(w, "out.png")], "CRC mismatch", "out.png"
    ),
    "decompress-random-bytes": Case(
        lambda w, m: ["decompress", p(w, "random.nvc"), p(w, "out.png")], "invalid nvc stream", "out.png"
    ),
    "decompress-empty-file": Case(
        lambda w, m: ["decompress", p(w, "empty.nvc"), p(w, "out.png")], "invalid nvc stream", "out.png"
    ),
    "decompress-other-weights": Case(
        lambda w, m: ["decompress", p(w, "other_weights.nvc"), p(w, "out.png")], "other weights", "out.png"
    ),
    "decompress-unknown-model": Case(
        lambda w, m: ["decompress", p(w, "other_model.nvc"), p(w, "out.png")], "no-such-model", "out.png"
    ),
    "decompress-quality-outside-model": Case(
        lambda w, m: ["decompress", p(w, "bad_quality.nvc"), p(w, "out.png")], "quality 99", "out.png"
    ),
    "decompress-bad-payload": Case(
        lambda w, m: ["decompress", p(w, "bad_payload.nvc"), p(w, "out.png")], "invalid nvc stream", "out.png"
    ),
    "decompress-stdin-random-to-stdout": Case(
        lambda w, m: ["decompress", "-", "-"], "invalid nvc stream", stdin=lambda w: (w / "random.nvc").read_bytes()
    ),
    "compress-stdin-text-to-stdout": Case(
        lambda w, m: ["compress", "-", "-", "--model", m], "not a supported image", stdin=lambda w: b"hello\n"
    ),
    "compress-stdin-transparent-to-stdout": Case(
        lambda w, m: ["compress", "-", "-", "--model", m],
        "transparency",
        stdin=lambda w: (w / "transparent.png").read_bytes(),
    ),
    "info-random-bytes": Case(lambda w, m: ["info", p(w, "random.nvc")], "invalid nvc stream"),
    "info-empty-file": Case(lambda w, m: ["info", p(w, "empty.nvc")], "invalid nvc stream"),
}


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders)."""
    return {
        str(path.relative_to(folder)): (path.read_bytes() if path.is_file() else None) for path in folder.rglob("*")
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_failing_command(workspace: Path, tiny_model: str, name: str) -> None:
    case = CASES[name]
    before = snapshot(workspace)
    if case.destination is not None:
        assert case.destination not in before

    stdin = case.stdin(workspace) if case.stdin else None
    result = CliRunner().invoke(main, case.args(workspace, tiny_model), input=stdin)

    # A handled error: sys.exit(1), not an exception CliRunner caught for us.
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    assert lines[0].startswith("nvc: error: ")
    assert case.message in lines[0]
    assert " object at 0x" not in lines[0]  # no Python object reprs (Pillow names its buffer so)
    assert result.stdout == ""  # nothing half-written to stdout either
    # Inputs untouched, nothing created (no destination, no '.part' temp file).
    after = snapshot(workspace)
    assert after == before
    assert not [path for path in after if path.endswith(".part")]


def test_transparency_message_is_one_clear_line(workspace: Path, tiny_model: str) -> None:
    result = CliRunner().invoke(
        main, ["compress", p(workspace, "transparent.png"), p(workspace, "out.nvc"), "--model", tiny_model]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "nvc: error: images with transparency are not supported (the alpha channel would be lost)\n"
    )


def test_failed_decompress_keeps_an_existing_destination(workspace: Path) -> None:
    existing = workspace / "keep.png"
    existing.write_bytes(b"previous contents")
    result = CliRunner().invoke(main, ["decompress", p(workspace, "flipped.nvc"), str(existing)])
    assert result.exit_code == 1
    assert existing.read_bytes() == b"previous contents"
    assert not [path for path in workspace.iterdir() if path.name.endswith(".part")]


def test_successful_decompress_replaces_an_existing_destination(workspace: Path) -> None:
    existing = workspace / "keep.png"
    existing.write_bytes(b"previous contents")
    result = CliRunner().invoke(main, ["decompress", p(workspace, "photo.nvc"), str(existing)])
    assert result.exit_code == 0, result.output
    with Image.open(existing) as image:
        assert image.size == (80, 48)
    assert not [path for path in workspace.iterdir() if path.name.endswith(".part")]
