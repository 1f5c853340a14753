"""End to end: ``python -m kodak_eval run`` on tiny generated images, its files, cache and errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from kodak_eval.cli import main
from kodak_eval.images import download_kodak, missing_kodak, resolve_images
from kodak_eval.errors import EvalError
from kodak_eval.results import read_per_image

SIZES = [(40, 56), (168, 176)]  # the second is large enough for MS-SSIM
SUMMARY_METRICS = {"bpp", "psnr-rgb", "ms-ssim-rgb", "psnr-y", "psnr-yuv", "encoding_time", "decoding_time"}


def write_images(folder):
    folder.mkdir()
    rng = np.random.default_rng(1)
    for index, (height, width) in enumerate(SIZES, start=1):
        rows, cols = np.mgrid[0:height, 0:width]
        base = np.stack([rows * 5 + index * 20, cols * 4, (rows + cols) * 3], axis=2) % 256
        pixels = np.clip(base + rng.integers(-6, 7, base.shape), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"kodim{index:02d}.png")


def run(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    return result.exit_code, result.output


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "images"
    write_images(folder)
    return folder


def test_run_writes_compressai_json_per_image_report_and_plot(images, tmp_path, tiny_model):
    out = tmp_path / "out"
    codecs = f"jpeg-420,nvc-{tiny_model}"
    code, output = run("run", "--images", images, "--codecs", codecs, "--out", out, "--jobs", 1,
                       "--no-memory", "--no-progress", "--published", "vtm,webp")
    assert code == 0, output
    assert "| jpeg-420" in output and "| WebP" in output

    summary = json.loads((out / "jpeg-420.json").read_text())
    assert {"name", "description", "results"} <= set(summary) and summary["name"] == "jpeg-420"
    assert set(summary["results"]) == SUMMARY_METRICS
    settings = summary["settings"]
    assert all(len(values) == len(settings) for values in summary["results"].values())

    records = read_per_image(out / "jpeg-420.per_image.json")
    assert len(records) == len(settings) * len(SIZES)
    for record in records:
        stream = out / "streams" / "jpeg-420" / str(record.setting) / f"{record.image}.jpg"
        height, width = SIZES[int(record.image[-2:]) - 1]
        assert record.bytes == stream.stat().st_size
        assert record.bpp == pytest.approx(8 * record.bytes / (width * height))
        assert math.isnan(record.ms_ssim) == (height < 161)
    first = [r for r in records if r.setting == settings[0]]
    assert summary["results"]["bpp"][0] == pytest.approx(np.mean([r.bpp for r in first]))
    assert summary["results"]["ms-ssim-rgb"][0] == pytest.approx(first[1].ms_ssim)  # NaNs left out
    assert summary["results"]["encoding_time"][0] == pytest.approx(np.median([r.encode_s for r in first]))

    nvc_summary = json.loads((out / f"nvc-{tiny_model}.json").read_text())
    assert nvc_summary["settings"] == list(range(1, 9))
    assert (out / "report.md").read_text().count("| measured") == 2
    assert (out / "rd.png").stat().st_size > 0 and (out / "rd.svg").stat().st_size > 0


def test_a_limited_run_names_its_image_count_in_the_report_and_plot(images, tmp_path):
    out = tmp_path / "out"
    code, output = run("run", "--images", images, "--codecs", "webp", "--limit", 1, "--out", out, "--jobs", 1,
                       "--no-memory", "--no-progress", "--published", "vtm")
    assert code == 0, output
    assert (out / "report.md").read_text().startswith("# Kodak (1 of 2 images)\n")
    assert json.loads((out / "webp.json").read_text())["images"] == 1
    assert "Kodak (1 of 2 images): PSNR" in (out / "rd.svg").read_text()  # the title, as an SVG comment


def test_rerun_uses_the_cache_and_new_images_are_added(images, tmp_path):
    out = tmp_path / "out"
    args = ("run", "--images", images, "--codecs", "webp", "--out", out, "--jobs", 1, "--no-memory", "--no-progress")
    assert run(*args)[0] == 0
    first = read_per_image(out / "webp.per_image.json")
    assert run(*args)[0] == 0
    assert read_per_image(out / "webp.per_image.json") == first  # times included: nothing recomputed
    Image.fromarray(np.zeros((24, 24, 3), np.uint8)).save(images / "kodim03.png")
    assert run(*args)[0] == 0
    again = read_per_image(out / "webp.per_image.json")
    assert len(again) == len(first) * 3 // 2 and set(first) <= set(again)


def test_a_result_without_its_stream_is_recomputed_unless_reuse_is_asked(images, tmp_path):
    out = tmp_path / "out"
    args = ("run", "--images", images, "--codecs", "webp", "--out", out, "--jobs", 1, "--no-memory", "--no-progress")
    assert run(*args)[0] == 0
    first = read_per_image(out / "webp.per_image.json")
    streams = sorted((out / "streams").rglob("*.webp"))
    assert streams
    for stream in streams:
        stream.unlink()
    assert run(*args, "--reuse-without-streams")[0] == 0
    assert read_per_image(out / "webp.per_image.json") == first and not any(s.exists() for s in streams)
    assert run(*args)[0] == 0
    assert read_per_image(out / "webp.per_image.json") != first and all(s.exists() for s in streams)


def test_parallel_workers_give_the_same_sizes(images, tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    for out, jobs in ((serial, 1), (parallel, 2)):
        code, output = run("run", "--images", images, "--codecs", "jpeg-444", "--out", out, "--jobs", jobs,
                           "--no-memory", "--no-progress")
        assert code == 0, output
    sizes = [[(r.image, r.setting, r.bytes, r.psnr_rgb) for r in read_per_image(out / "jpeg-444.per_image.json")]
             for out in (serial, parallel)]
    assert sizes[0] == sizes[1]


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_or_empty_folder_is_a_one_line_error(tmp_path, make):
    folder = tmp_path / "images"
    if make == "empty":
        folder.mkdir()
    code, output = run("run", "--images", folder, "--codecs", "jpeg-420", "--out", tmp_path / "out", "--no-progress")
    assert code == 1
    assert output.strip() == f"kodak_eval: error: image folder {folder} " + (
        "does not exist (pass --images DIR)" if make == "missing" else "holds no images (pass --images DIR)")


def test_bad_codec_and_anchor_fail_before_any_work(images, tmp_path):
    out = tmp_path / "out"
    code, output = run("run", "--images", images, "--codecs", "jpeg-420,xyz", "--out", out)
    assert code == 1 and "unknown codec 'xyz'" in output
    code, output = run("run", "--images", images, "--codecs", "jpeg-420", "--out", out, "--against", "nothing")
    assert code == 1 and "no published results 'nothing'" in output
    assert not out.exists()


def test_bdrate_command_on_published_results():
    code, output = run("bdrate", "webp", "jpeg", "--against", "vtm")
    assert code == 0
    webp = next(line for line in output.splitlines() if line.startswith("| WebP"))
    assert "| 78.7" in webp  # the anchors README's +78% for WebP vs VTM


def test_offline_download_says_where_to_put_the_images(tmp_path, monkeypatch):
    import urllib.request

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setenv("NVC_KODAK_DIR", str(tmp_path / "kodak"))
    with pytest.raises(EvalError, match=r"cannot download kodim01.png .* put kodim01.png \.\.\. kodim24.png in"):
        resolve_images(None, progress=False)
    assert not list((tmp_path / "kodak").glob("*"))  # no partial files


def test_download_skips_images_already_there(tmp_path, monkeypatch):
    import urllib.request

    folder = tmp_path / "kodak"
    folder.mkdir()
    for name in missing_kodak(folder):
        (folder / name).write_bytes(b"png")
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("no download expected"))
    download_kodak(folder, progress=False)
    monkeypatch.setenv("NVC_KODAK_DIR", str(folder))
    assert [p.name for p in resolve_images(None, progress=False)][-1] == "kodim24.png"
