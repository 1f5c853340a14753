"""Video evaluation on a tiny synthetic y4m clip: reading it, anchor bit accounting, and
``python -m kodak_eval video`` end to end (files, cache, errors)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner

import kodak_eval.video.runner as runner
from kodak_eval.cli import main
from kodak_eval.errors import EvalError
from kodak_eval.video.anchors import X264, X264_INFO_UUID, X265, SvtAv1
from kodak_eval.video.clips import read_clip
from kodak_eval.video.nvc_codecs import INTER_MODEL, NvcVideo
from kodak_eval.video.runner import measure
from kodak_eval.video.yuv import rgb_to_yuv420
from nvc.registry import get_model_entry, model_entries

SIDE, FRAMES = 64, 4


def moving_frames(count=FRAMES):
    """4:2:0 planes of a gradient moving 3 pixels per frame, plus fixed noise."""
    rows, cols = np.mgrid[0:SIDE, 0:SIDE]
    noise = np.random.default_rng(0).integers(-6, 7, (SIDE, SIDE, 3))
    frames = []
    for index in range(count):
        base = np.stack([(rows + 3 * index) * 3, (cols + 3 * index) * 2, (rows + cols) * 2], axis=2) % 256
        frames.append(rgb_to_yuv420(np.clip(base + noise, 0, 255).astype(np.uint8)))
    return frames


def write_y4m(path, frames, header="YUV4MPEG2 W64 H64 F25:1 Ip A1:1 C420jpeg"):
    with open(path, "wb") as handle:
        handle.write(header.encode() + b"\n")
        for planes in frames:
            handle.write(b"FRAME\n" + b"".join(plane.tobytes() for plane in planes))


@pytest.fixture
def clips(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_y4m(folder / "tiny.y4m", moving_frames())
    return folder


def run(*args):
    result = CliRunner().invoke(main, ["video", *map(str, args)])
    return result.exit_code, result.output


def test_y4m_is_read_into_planes_with_its_rate_and_frame_limit(clips):
    clip = read_clip(clips / "tiny.y4m")
    assert (clip.name, clip.width, clip.height, clip.fps, len(clip.frames)) == ("tiny", SIDE, SIDE, Fraction(25), 4)
    for read, written in zip(clip.frames, moving_frames()):
        assert all(np.array_equal(a, b) for a, b in zip(read, written))
    assert len(read_clip(clips / "tiny.y4m", limit=2).frames) == 2
    assert clip.rgb[0].shape == (SIDE, SIDE, 3)


@pytest.mark.parametrize("header, message", [("YUV4MPEG2 W64 H64 F25:1 C444", "only 8-bit 4:2:0"),
                                             ("YUV4MPEG2 W63 H64 F25:1", "odd side"),
                                             ("MPEG W64 H64", "not a y4m file")])
def test_unsupported_y4m_files_are_refused(tmp_path, header, message):
    write_y4m(tmp_path / "bad.y4m", moving_frames(1), header)
    with pytest.raises(EvalError, match=message):
        read_clip(tmp_path / "bad.y4m")


def test_x264_bits_are_the_packet_sizes_frame_by_frame(clips):
    clip, codec = read_clip(clips / "tiny.y4m"), X264(1)
    packets = codec.encode(clip, 32, 2)
    sizes = codec.frame_sizes(packets)
    assert sizes.bits == [8 * len(packet.data) for packet in sorted(packets, key=lambda p: p.pts)]
    assert sizes.total_bits == sum(sizes.bits) == 8 * sum(len(packet.data) for packet in packets)
    assert sizes.types == ["I", "P", "I", "P"]
    assert not any(X264_INFO_UUID in packet.data for packet in packets)  # x264's text SEI is not counted
    decoded = codec.decode(packets)
    assert len(decoded) == FRAMES and decoded[0].y.shape == (SIDE, SIDE) and decoded[0].u.shape == (32, 32)


@pytest.mark.parametrize("codec", [X264, X265, SvtAv1], ids=lambda codec: codec.name)
def test_anchors_code_low_delay_with_the_intra_period(clips, codec):
    clip = read_clip(clips / "tiny.y4m")
    for period, types in ((2, "IPIP"), (-1, "IPPP")):
        measured = measure(codec(1), clip, codec.settings[-1], period)
        assert "".join(measured.sizes.types) == types
        assert min(quality.yuv for quality in measured.qualities) > 35


def test_nvc_codes_the_requested_intra_period_and_names_its_weights_digests():
    nvc, intra = NvcVideo("hyperprior", (1,)), NvcVideo("hyperprior", (1,), intra_only=True)
    assert (nvc.name, intra.name) == ("nvc", "nvc-intra")
    assert nvc.coded_intra_period(32) == 32 and nvc.coded_intra_period(-1) == -1 and intra.coded_intra_period(32) == 1
    weights = get_model_entry("hyperprior").sha256
    assert weights in nvc.identity and weights in intra.identity
    if INTER_MODEL in {entry.name for entry in model_entries()}:  # nvc-intra does not depend on the inter model
        assert f"inter model {INTER_MODEL} v{get_model_entry(INTER_MODEL).version} sha256" in nvc.identity
        assert "inter model" not in intra.identity


def test_end_to_end_writes_results_report_and_plots(clips, tmp_path):
    out = tmp_path / "out"
    code, output = run("--clips", clips, "--codecs", "x264,nvc-intra", "--qualities", "1,8", "--out", out,
                       "--no-progress")
    assert code == 0, output
    assert {path.name for path in out.iterdir()} == {
        "x264.json", "nvc-intra.json", "report.md", "rd_tiny.png", "frames_tiny.png", "cache"}
    nvc = json.loads((out / "nvc-intra.json").read_text())
    assert nvc["clips"]["tiny"]["settings"] == [1, 8]
    for point in nvc["points"]:
        assert point["intra_period"] == 1 and point["frame_types"] == ["I"] * FRAMES
        assert sum(point["frame_bits"]) < point["total_bits"]  # the stream header is counted too
        assert point["bpp"] == pytest.approx(point["total_bits"] / (SIDE * SIDE * FRAMES))
        assert point["psnr_yuv"] == pytest.approx(np.mean(point["frame_psnr_yuv"]))
    x264 = json.loads((out / "x264.json").read_text())
    assert [p["intra_period"] for p in x264["points"]] == [32] * len(X264.settings)
    assert all(p["frame_types"] == ["I", "P", "P", "P"] for p in x264["points"])
    report = (out / "report.md").read_text()
    assert "## tiny" in report and report.count("| nvc-intra |") == 3  # two RD rows and one speed row
    assert (out / "rd_tiny.png").stat().st_size > 0


def test_rerun_codes_only_the_codec_that_changed(clips, tmp_path, monkeypatch):
    out = tmp_path / "out"
    args = ("--clips", clips, "--codecs", "x264,nvc-intra", "--qualities", "1,8", "--frames", 2, "--out", out,
            "--no-progress")
    assert run(*args)[0] == 0
    first = json.loads((out / "x264.json").read_text())
    coded, real_measure = [], runner.measure

    def counting_measure(codec, *rest):
        coded.append(codec.name)
        return real_measure(codec, *rest)

    monkeypatch.setattr(runner, "measure", counting_measure)
    assert run(*args)[0] == 0
    assert coded == [] and json.loads((out / "x264.json").read_text()) == first  # times included
    monkeypatch.setattr(X264, "fixed_params", X264.fixed_params + ":ref=2")
    assert run(*args)[0] == 0
    assert coded == ["x264"] * len(X264.settings)


@pytest.mark.parametrize("args, message", [
    (("--codecs", "x264,xyz"), "unknown codec 'xyz'"),
    (("--intra-period", 0), "--intra-period must be 1 or more, or -1"),
    (("--codecs", "nvc-intra", "--qualities", "2,9"), "has no quality 9"),
    (("--qualities", "2,x"), "--qualities must be comma-separated integers"),
])
def test_bad_options_are_one_line_errors(clips, tmp_path, args, message):
    code, output = run("--clips", clips, "--out", tmp_path / "out", *args)
    assert code == 1 and output.startswith("kodak_eval: error: ") and message in output
    assert len(output.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_missing_or_empty_clip_folder_is_a_one_line_error(tmp_path):
    code, output = run("--clips", tmp_path / "none", "--out", tmp_path / "out")
    assert code == 1 and output.strip() == f"kodak_eval: error: clip folder {tmp_path / 'none'} does not exist " \
                                           "(pass --clips DIR)"
    code, output = run("--clips", tmp_path, "--out", tmp_path / "out")
    assert code == 1 and "holds no .y4m clips" in output
