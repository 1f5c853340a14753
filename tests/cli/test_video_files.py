"""Video files in and out: frame count, size and rate kept; colour conversion; atomic writes."""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image
from tqdm import tqdm

from cli.files import UsageError
from cli.video_files import VideoInfo, is_video_path, probe_video, read_frames, write_video

INFO = VideoInfo(width=48, height=34, fps=Fraction(25, 2), frames=5, matrix="bt709", full_range=False)


def clip(count: int = 5) -> list[np.ndarray]:
    rows, cols = np.mgrid[0:34, 0:48]
    return [np.stack([(rows * 4 + t * 9) % 256, (cols * 5) % 256, np.full_like(rows, 90 + 20 * t)], 2).astype(np.uint8)
            for t in range(count)]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return 10 * np.log10(255**2 / np.mean((a.astype(float) - b) ** 2))


@pytest.mark.parametrize("suffix, floor", [(".y4m", 30.0), (".mp4", 28.0), (".mkv", None)])
def test_round_trip_keeps_count_size_and_rate(tmp_path, suffix, floor):
    frames = clip()
    path = tmp_path / f"clip{suffix}"
    write_video(str(path), frames, INFO)
    info = probe_video(str(path))
    assert (info.width, info.height) == (48, 34)
    assert info.fps == Fraction(25, 2)
    back = list(read_frames(str(path), info))
    assert len(back) == 5 and back[0].shape == (34, 48, 3)
    if floor is None:  # FFV1 RGB: lossless
        assert all(np.array_equal(a, b) for a, b in zip(frames, back))
    else:
        assert min(psnr(a, b) for a, b in zip(frames, back)) > floor
    assert list(tmp_path.iterdir()) == [path]  # no staging files left


def test_y4m_is_written_in_the_given_matrix(tmp_path):
    """A BT.601 source decoded by nvc goes back to y4m in BT.601, so its YUV matches the source's."""
    frames = clip(2)
    path = tmp_path / "601.y4m"
    write_video(str(path), frames, dataclasses.replace(INFO, matrix="bt601", full_range=True))
    as_601 = list(read_frames(str(path), probe_video(str(path), matrix="bt601")))
    as_709 = list(read_frames(str(path), probe_video(str(path))))
    assert psnr(frames[0], as_601[0]) > psnr(frames[0], as_709[0]) + 3


def test_png_folder_and_frame_limit(tmp_path):
    write_video(str(tmp_path / "frames") + "/", clip(), INFO)
    names = sorted(p.name for p in (tmp_path / "frames").iterdir())
    assert names == [f"frame_{i:06d}.png" for i in range(1, 6)]
    assert np.array_equal(np.asarray(Image.open(tmp_path / "frames" / names[2])), clip()[2])
    path = tmp_path / "clip.mkv"
    write_video(str(path), clip(), INFO)
    assert len(list(read_frames(str(path), probe_video(str(path)), limit=2))) == 2


def test_matrix_metadata_and_override(tmp_path):
    path = tmp_path / "clip.mp4"
    write_video(str(path), clip(), INFO)
    assert probe_video(str(path)).matrix == "bt709"
    assert probe_video(str(path), matrix="bt601").matrix == "bt601"
    y4m = tmp_path / "clip.y4m"
    write_video(str(y4m), clip(), INFO)
    assert probe_video(str(y4m)).matrix == "bt709"  # y4m carries no matrix: the default


def test_errors_are_usage_errors(tmp_path):
    (tmp_path / "bad.mp4").write_bytes(b"not a video")
    with pytest.raises(UsageError, match="cannot read video"):
        probe_video(str(tmp_path / "bad.mp4"))
    with pytest.raises(UsageError, match="unsupported video output"):
        write_video(str(tmp_path / "x.gif"), clip(), INFO)
    with pytest.raises(UsageError, match="output folder does not exist"):
        write_video(str(tmp_path / "missing" / "x.mkv"), clip(), INFO)

    def broken():
        yield clip()[0]
        raise RuntimeError("encoder died")

    with pytest.raises(RuntimeError):
        write_video(str(tmp_path / "x.mkv"), broken(), INFO)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mp4"]


def test_video_suffixes():
    assert is_video_path("a.MP4") and is_video_path("b.y4m") and not is_video_path("c.png")


def test_cli_video_round_trip_info_and_truncation(tmp_path, tiny_model, monkeypatch):
    from click.testing import CliRunner

    import cli.video
    from cli.main import main

    source, stream, out = tmp_path / "in.mkv", tmp_path / "v.nvc", tmp_path / "out.y4m"
    write_video(str(source), clip(), INFO)
    runner = CliRunner()
    compressed = runner.invoke(main, ["compress", str(source), str(stream), "--model", tiny_model, "--frames", "4",
                                      "--intra-period", "2", "--verbose"])
    assert compressed.exit_code == 0, compressed.output
    size = stream.stat().st_size
    assert re.fullmatch(rf"{source} -> {stream}: {size} bytes, {size * 8 / (48 * 34 * 4):.4f} bpp, 4 frames, "
                        r"\d+\.\d\d s\n", compressed.stderr)
    info = runner.invoke(main, ["info", str(stream)])
    assert info.exit_code == 0, info.output
    fields = dict(line.split(":", 1) for line in info.output.splitlines() if not line.startswith(" "))
    fields = {label: value.strip() for label, value in fields.items()}
    assert fields["size"] == "48x34" and fields["quality"] == "4" and fields["frame rate"] == "12.5 fps"
    assert fields["intra period"] == "2" and fields["frames"] == "4" and fields["bytes"] == str(size)
    assert fields["bitrate"] == f"{size * 8 / (4 / 12.5) / 1000:.1f} kbit/s"
    assert fields["bpp"] == f"{size * 8 / (48 * 34 * 4):.4f}"
    assert fields["P-frames"].startswith("model inter, weights ")
    assert info.output.count("  I  ") == 2 and info.output.count("  P  ") == 2
    totals = []

    def recording_bar(*args, **kwargs):
        totals.append(kwargs.get("total"))
        return tqdm(*args, **kwargs)

    monkeypatch.setattr(cli.video, "tqdm", recording_bar)
    assert runner.invoke(main, ["decompress", str(stream), str(out)]).exit_code == 0
    assert totals == [4]  # the progress bar knows the frame count: a total and an ETA
    decoded = probe_video(str(out))
    assert (decoded.width, decoded.height, decoded.fps) == (48, 34, Fraction(25, 2))
    assert len(list(read_frames(str(out), decoded))) == 4

    cut = tmp_path / "cut.nvc"
    cut.write_bytes(stream.read_bytes()[: stream.stat().st_size * 3 // 5])
    described = runner.invoke(main, ["info", str(cut)])  # what is readable, then the error
    assert described.exit_code == 1 and "  0  I  " in described.stdout and "damaged stream" not in described.stdout
    assert described.stderr.startswith("nvc: error: invalid nvc stream: ")
    failed = runner.invoke(main, ["decompress", str(cut), str(tmp_path / "cut.y4m")])
    assert failed.exit_code == 1 and "damaged stream" in failed.output and not (tmp_path / "cut.y4m").exists()
    kept = runner.invoke(main, ["decompress", "--conceal", str(cut), str(tmp_path / "cut.y4m")])
    assert kept.exit_code == 0 and "complete frames before the damage" in kept.output
    assert 1 <= len(list(read_frames(str(tmp_path / "cut.y4m"), probe_video(str(tmp_path / "cut.y4m"))))) < 4
