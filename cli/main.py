"""The ``nvc`` command line: a thin layer over the library; errors become one line."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path

import click

from bitstream import FormatError, read_container
from cli.files import UsageError, encode_image_file, image_format_for, open_image, read_input, write_output
from cli.video import compress_video, decompress_video, describe_video, is_video_stream_file
from cli.video_files import is_video_path
from nvc.errors import CodecError
from nvc.families import family_for
from nvc.registry import DEFAULT_MODEL, model_entries

EXIT_ERROR = 1


@contextlib.contextmanager
def fraction_bar(label: str):
    """A callback taking the fraction done, drawn as a percentage bar on a terminal's stderr."""
    from tqdm import tqdm

    with tqdm(total=100, desc=label, unit="%", leave=False, disable=None,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:
        yield lambda fraction: bar.update(round(100 * fraction) - bar.n)
INFO_LABEL_WIDTH = len("weights sha256: ")  # the longest label: values start after it


def reports_errors(command):
    """Turn expected failures into 'nvc: error: ...' on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FormatError as error:
            fail(f"invalid nvc stream: {error}")
        except (CodecError, UsageError) as error:
            fail(str(error))
        except BrokenPipeError:  # the reader went away (``nvc info x.nvc | head``): click exits quietly
            raise
        except OSError as error:
            fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        except KeyboardInterrupt:
            fail("interrupted")

    return wrapper


def fail(message: str) -> None:
    """Print a one-line error and exit."""
    click.echo(f"nvc: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nvc: learned image compression."""


@main.command()
@click.argument("source")
@click.argument("destination")
@click.option("--quality", "-q", type=int, default=4, show_default=True, help="quality level (1 = smallest)")
@click.option("--model", "-m", default=DEFAULT_MODEL, show_default=True, help="model name (see 'nvc models')")
@click.option("--effort", type=click.Choice(["fast", "normal", "slow"]),
              help="encoder search effort, for models that search (overfit; default: normal)")
@click.option("--frames", type=click.IntRange(min=1), help="video: code at most this many frames")
@click.option("--intra-period", type=int, default=32, show_default=True,
              help="video: an intra frame every N frames (1: all intra; -1: only the first), P-frames between")
@click.option("--matrix", type=click.Choice(["bt709", "bt601", "bt2020"]),
              help="video: the source's YUV matrix, when its metadata is missing or wrong (default: metadata, else bt709)")
@reports_errors
def compress(source: str, destination: str, quality: int, model: str, effort: str | None, frames: int | None,
             intra_period: int, matrix: str | None) -> None:
    """Compress an image or video SOURCE into DESTINATION (.nvc); '-' means stdin/stdout (images)."""
    import nvc

    if is_video_path(source):
        if not Path(source).is_file():
            raise UsageError(f"no such file: {source}")
        compress_video(source, destination, quality, model, frames, matrix, intra_period)
        return
    image = open_image(read_input(source), source)
    with fraction_bar("compressing") as progress:
        data = nvc.encode(image, quality=quality, model=model, effort=effort, progress=progress)
    write_output(destination, data)


@main.command()
@click.argument("source")
@click.argument("destination")
@click.option("--conceal", is_flag=True,
              help="damaged stream: fill in what the model can conceal (VQ images), or keep a video's complete frames; warns")
@reports_errors
def decompress(source: str, destination: str, conceal: bool) -> None:
    """Decompress SOURCE (.nvc) into an image; the format follows DESTINATION's extension."""
    from nvc.coding import decode_stream
    from nvc.pixels import to_image

    if is_video_stream_file(source):
        decompress_video(source, destination, keep_complete=conceal)
        return
    image_format = image_format_for(destination)
    decoded = decode_stream(read_input(source), conceal)
    write_output(destination, encode_image_file(to_image(decoded.pixels, decoded.header.channels), image_format))
    for note in decoded.concealed:
        click.echo(f"nvc: warning: damaged stream, concealed: {note}", err=True)


@main.command()
@click.argument("source")
@reports_errors
def info(source: str) -> None:
    """Show the header fields, chunk sizes and bits per pixel of an nvc stream."""
    if is_video_stream_file(source):
        describe_video(source)
        return
    data = read_input(source)
    container = read_container(data)
    header = container.header
    pixels = header.width * header.height
    echo_fields([
        ("format version", f"{container.version[0]}.{container.version[1]}"),
        ("model", header.model),
        ("weights sha256", header.weights_digest.hex()),
        ("size", f"{header.width}x{header.height}"),
        ("channels", str(header.channels)),
        ("bit depth", str(header.bit_depth)),
        ("quality", str(header.quality)),
        ("bytes", str(len(data))),
        ("bpp", f"{len(data) * 8 / pixels:.4f}"),
    ])
    click.echo("chunks:")
    for chunk_type, size in container.chunk_sizes():
        click.echo(f"  {chunk_type}  {size:>10} bytes")
    entry = {entry.name: entry for entry in model_entries()}.get(header.model)
    if entry is not None:
        echo_fields(family_for(entry).describe(entry, container))


def echo_fields(fields: list[tuple[str, str]]) -> None:
    """Print ``label: value`` lines with the values lined up, as ``nvc info`` does."""
    for label, value in fields:
        click.echo(f"{label + ':':<{INFO_LABEL_WIDTH}}{value}")


@main.command()
def models() -> None:
    """List the models this installation can code with."""
    for entry in model_entries():
        qualities = entry.qualities
        click.echo(
            f"{entry.name}  version {entry.version}  quality {qualities.start}-{qualities.stop - 1}  "
            f"weights {entry.sha256[:12]}  {entry.description}"
        )
