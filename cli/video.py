"""The video side of the ``nvc`` commands: files in, streams out, and back."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from cli.files import UsageError, atomic_output
from cli.video_files import VideoInfo, probe_video, read_frames, write_video


def compress_video(source: str, destination: str, quality: int, model: str, frames: int | None,
                   matrix: str | None, intra_period: int) -> None:
    """Code a video file into an nvc video stream, with a progress bar showing fps."""
    from nvc.video.codec import VideoParameters, encode_video

    if destination == "-":
        raise UsageError("video streams are written to files, not stdout")
    info = probe_video(source, matrix)
    total = min(filter(None, (frames, info.frames)), default=None)
    parameters = VideoParameters(info.fps, info.matrix, info.full_range, intra_period)
    progress = tqdm(total=total, unit="frame", desc="compressing", leave=False, disable=None)  # fps on terminals
    with progress as bar, atomic_output(destination) as out:
        encode_video(read_frames(source, info, frames), out, parameters, quality, model, lambda _: bar.update())


def decompress_video(source: str, destination: str, keep_complete: bool = False) -> None:
    """Decode an nvc video stream into a y4m/mp4/mkv file or a folder of PNGs.

    A damaged stream is an error and writes nothing, unless ``keep_complete``: then the
    frames before the damage are written and a warning says where it stopped.
    """
    from bitstream import FormatError
    from nvc.video.codec import decode_frames, read_video

    damage: list[FormatError] = []
    complete = [0]

    def until_damage(frames):
        try:
            for frame in frames:
                yield frame
                complete[0] += 1
        except FormatError as error:
            if not keep_complete:
                raise
            damage.append(error)

    with open(source, "rb") as handle:
        header, parameters, frames = read_video(handle)
        info = VideoInfo(header.width, header.height, parameters.fps, 0, parameters.matrix, parameters.full_range)
        decoded = until_damage(decode_frames(header, frames, parameters))
        write_video(destination, tqdm(decoded, unit="frame", desc="decompressing", leave=False, disable=None), info)
    for error in damage:
        click.echo(f"nvc: warning: wrote the {complete[0]} complete frames before the damage: {error}", err=True)


def describe_video(source: str) -> None:
    """``nvc info`` for a video stream: parameters, then every frame with its bytes."""
    from nvc.video.codec import read_video

    with open(source, "rb") as handle:
        header, parameters, frames = read_video(handle)
        click.echo(f"video:          {float(parameters.fps):g} fps, source matrix {parameters.matrix}, "
                   f"{'full' if parameters.full_range else 'limited'} range, intra period {parameters.intra_period}")
        if parameters.inter is not None:
            click.echo(f"P-frames:       model {parameters.inter.model}, weights {parameters.inter.weights_digest.hex()[:12]}")
        click.echo("frames:")
        total = 0
        for frame in frames:
            size = sum(chunk.size_on_disk for chunk in frame.chunks)
            total += 1
            click.echo(f"  {frame.info.index:>6}  {'I' if frame.info.frame_type == 0 else 'P'}  {size:>10} bytes")
            if frame.damage is not None:
                raise frame.damage
        click.echo(f"{total} frames, {Path(source).stat().st_size} bytes")


def is_video_stream_file(source: str) -> bool:
    """True when ``source`` is a file holding an nvc video stream."""
    from nvc.video.codec import is_video_stream

    if source == "-" or not Path(source).is_file():
        return False
    with open(source, "rb") as handle:
        return is_video_stream(handle)
