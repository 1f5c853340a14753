"""`nvc info` and `nvc models` output."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nvc
from bitstream import FORMAT_VERSION, read_container, write_container
from bitstream.framing import PRELUDE_SIZE
from cli.main import main
from nvc.registry import DEFAULT_MODEL, get_model_entry, model_entries


def info_fields(output: str) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """The 'key: value' lines before 'chunks:' and the (type, bytes) chunk lines after it."""
    head, _, chunk_part = output.partition("chunks:\n")
    fields = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    chunks = []
    for line in chunk_part.splitlines():
        match = re.fullmatch(r"  ([A-Za-z]{4}) +(\d+) bytes", line)
        assert match, f"bad chunk line {line!r}"
        chunks.append((match[1], int(match[2])))
    return fields, chunks


@pytest.mark.parametrize(("shape", "quality"), [((48, 80), 3), ((17, 33), 8), ((1, 1), 1)])
def test_info_fields(tmp_path: Path, tiny_model: str, shape: tuple[int, int], quality: int) -> None:
    height, width = shape
    pixels = np.random.default_rng(height).integers(0, 256, (height, width, 3), dtype=np.uint8)
    path = tmp_path / "image.nvc"
    path.write_bytes(nvc.encode(pixels, quality=quality, model=tiny_model))
    size = path.stat().st_size

    result = CliRunner().invoke(main, ["info", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    fields, chunks = info_fields(result.stdout)
    assert fields == {
        "format version": "1.0",
        "model": tiny_model,
        "weights sha256": get_model_entry(tiny_model).sha256,
        "size": f"{width}x{height}",
        "channels": "3",
        "bit depth": "8",
        "quality": str(quality),
        "bytes": str(size),
        "bpp": f"{8 * size / (width * height):.4f}",
    }
    assert [name for name, _ in chunks] == ["HEAD", "ZLAT", "YLAT", "DONE"]
    assert dict(chunks)["DONE"] == 12  # empty data + 12 bytes framing
    # The chunks fill the file after the 10-byte signature/version prelude.
    assert sum(bytes_ for _, bytes_ in chunks) + PRELUDE_SIZE == size


def test_info_of_gray_stream_reports_one_channel(tmp_path: Path, tiny_model: str, photo_like: np.ndarray) -> None:
    path = tmp_path / "gray.nvc"
    path.write_bytes(nvc.encode(photo_like[..., 1], quality=2, model=tiny_model))
    result = CliRunner().invoke(main, ["info", str(path)])
    assert result.exit_code == 0, result.output
    fields, _ = info_fields(result.stdout)
    assert fields["channels"] == "1"
    assert fields["size"] == "80x48"


def test_info_reads_stdin(tiny_model: str, photo_like: np.ndarray) -> None:
    data = nvc.encode(photo_like, quality=4, model=tiny_model)
    result = CliRunner().invoke(main, ["info", "-"], input=data)
    assert result.exit_code == 0, result.output
    fields, _ = info_fields(result.stdout)
    assert fields["bytes"] == str(len(data))


def test_info_does_not_need_the_model(tmp_path: Path, tiny_model: str, photo_like: np.ndarray) -> None:
    """info only parses the container: a stream of an unknown model is still described."""
    container = read_container(nvc.encode(photo_like, quality=4, model=tiny_model))
    data = write_container(dataclasses.replace(container.header, model="elsewhere"), container.chunks)
    result = CliRunner().invoke(main, ["info", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert info_fields(result.stdout)[0]["model"] == "elsewhere"


def test_info_of_a_truncated_stream_shows_what_is_readable_then_the_error(tiny_model: str,
                                                                        photo_like: np.ndarray) -> None:
    data = nvc.encode(photo_like, quality=4, model=tiny_model)
    whole = read_container(data).chunk_sizes()  # HEAD, ZLAT, YLAT, DONE
    cut = data[: PRELUDE_SIZE + whole[0][1] + whole[1][1] + 5]  # HEAD, ZLAT and 5 bytes of YLAT

    result = CliRunner().invoke(main, ["info", "-"], input=cut)

    assert result.exit_code == 1
    fields, chunks = info_fields(result.stdout)
    assert fields["model"] == tiny_model and fields["size"] == "80x48" and fields["bytes"] == str(len(cut))
    assert chunks == whole[:2]
    assert result.stderr == "nvc: error: invalid nvc stream: stream truncated inside a chunk header\n"


def test_version_names_nvc_the_format_and_every_model() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    program, container_format, models = result.stdout.splitlines()
    assert re.fullmatch(r"nvc \d+\.\d+\.\d+\S*", program)
    assert container_format == f"container format {FORMAT_VERSION[0]}.{FORMAT_VERSION[1]}"
    expected = [f"{e.name} {e.version}" + (" (default)" if e.name == DEFAULT_MODEL else "") for e in model_entries()]
    assert models == "models: " + ", ".join(expected)


def test_models_mark_the_default_and_give_the_quality_range_once() -> None:
    lines = CliRunner().invoke(main, ["models"]).stdout.splitlines()
    assert [line.split("  ")[0] for line in lines if "(default)" in line] == [f"{DEFAULT_MODEL} (default)"]
    assert all(len(re.findall(r"quality \d", line)) == 1 for line in lines), lines


def test_models_lists_names_and_quality_ranges(tiny_model: str) -> None:
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert {"hyperprior", tiny_model} <= set(lines)
    assert re.match(r"hyperprior  version \S+  quality 1-8  weights [0-9a-f]{12}  ", lines["hyperprior"])
    tiny = get_model_entry(tiny_model)
    assert lines[tiny_model] == f"{tiny_model}  version 0  quality 1-8  weights {tiny.sha256[:12]}  test model"
    assert list(lines) == sorted(lines)  # listed by name
