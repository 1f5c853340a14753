"""The video side of the ``nvc`` commands: files in, streams out, and back."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from cli.console import Console, size_summary
from cli.files import UsageError, atomic_output
from cli.info import echo_fields
from cli.video_files import VideoInfo, probe_video, read_frames, write_video


def compress_video(source: str, destination: str, quality: int, model: str, frames: int | None,
                   matrix: str | None, intra_period: int, console: Console) -> None:
    """Code a video file into an nvc video stream, with a progress bar showing fps."""
    from nvc.video.codec import VideoParameters, encode_video

    if destination == "-":
        raise UsageError("video streams are written to files, not stdout")
    info = probe_video(source, matrix)
    total = min(filter(None, (frames, info.frames)), default=None)
    parameters = VideoParameters(info.fps, info.matrix, info.full_range, intra_period)
    progress = tqdm(total=total, unit="frame", desc="compressing", leave=False, disable=console.progress_disabled)
    with progress as bar, atomic_output(destination) as out:
        count = encode_video(read_frames(source, info, frames), out, parameters, quality, model,
                             lambda _: bar.update())
    size = Path(destination).stat().st_size
    console.summary(f"{size_summary(source, destination, size, info.width * info.height * count)}, {count} frames")


def decompress_video(source: str, destination: str, console: Console, keep_complete: bool = False) -> None:
    """Decode an nvc video stream into a y4m/mp4/mkv file or a folder of PNGs.

    A damaged stream is an error and writes nothing, unless ``keep_complete``: then the
    frames before the damage are written and a warning says where it stopped.
    """
    from bitstream import FormatError
    from nvc.video.codec import decode_frames, frame_count, read_video

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
        total = frame_count(handle)
        header, parameters, frames = read_video(handle)
        info = VideoInfo(header.width, header.height, parameters.fps, 0, parameters.matrix, parameters.full_range)
        decoded = until_damage(decode_frames(header, frames, parameters))
        write_video(destination, tqdm(decoded, total=total, unit="frame", desc="decompressing", leave=False,
                                      disable=console.progress_disabled), info)
    for error in damage:
        console.warn(f"wrote the {complete[0]} complete frames before the damage: {error}")
    console.summary(f"{source} -> {destination}: {complete[0]} frames of {header.width}x{header.height}")


def describe_video(source: str) -> None:
    """``nvc info`` for a video stream: its fields (size, quality, frame rate, bitrate, ...),
    then every frame with its bytes; of a damaged stream, the frames before the damage,
    then the error."""
    from nvc.video.codec import frame_count, read_video

    size = Path(source).stat().st_size
    with open(source, "rb") as handle:
        count = frame_count(handle)
        header, parameters, frames = read_video(handle)
        fields = [
            ("model", header.model),
            ("size", f"{header.width}x{header.height}"),
            ("quality", str(header.quality)),
            ("frame rate", f"{float(parameters.fps):g} fps"),
            ("source colour", f"matrix {parameters.matrix}, {'full' if parameters.full_range else 'limited'} range"),
            ("intra period", str(parameters.intra_period)),
        ]
        if parameters.inter is not None:
            fields.append(("P-frames", f"model {parameters.inter.model}, weights {parameters.inter.weights_digest.hex()[:12]}"))
        fields += [("frames", str(count)), ("bytes", str(size))]
        if count:
            seconds = float(count / parameters.fps)
            fields += [("duration", f"{seconds:.3f} s"), ("bitrate", f"{size * 8 / seconds / 1000:.1f} kbit/s"),
                       ("bpp", f"{size * 8 / (header.width * header.height * count):.4f}")]
        echo_fields(fields)
        click.echo("frame list:")
        for frame in frames:
            size_of_frame = sum(chunk.size_on_disk for chunk in frame.chunks)
            click.echo(f"  {frame.info.index:>6}  {'I' if frame.info.frame_type == 0 else 'P'}  {size_of_frame:>10} bytes")
            if frame.damage is not None:
                raise frame.damage


def is_video_stream_file(source: str) -> bool:
    """True when ``source`` is a file holding an nvc video stream."""
    from nvc.video.codec import is_video_stream

    if source == "-" or not Path(source).is_file():
        return False
    with open(source, "rb") as handle:
        return is_video_stream(handle)
