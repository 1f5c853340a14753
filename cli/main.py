"""The ``nvc`` command line: a thin layer over the library; errors become one line.

Start-up is torch-free: ``--help``, ``--version`` and argument errors need only click and
the registry, and each command imports what it codes with when it runs.
"""

from __future__ import annotations

import functools
import sys

import click

from bitstream import FormatError
from cli.console import Console, refuse_terminal_output, size_summary
from cli.files import UsageError, read_input
from cli.info import echo_models, echo_version
from nvc.errors import CodecError
from nvc.registry import DEFAULT_MODEL

EXIT_ERROR = 1


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


def with_console(command):
    """Add ``--quiet`` and ``--verbose``; the command runs inside their ``Console``, passed as ``console``."""

    @click.option("--quiet", is_flag=True, help="no warnings, progress bars or summary line: errors only")
    @click.option("--verbose", "-v", is_flag=True, help="print the summary line even when stderr is not a terminal")
    @functools.wraps(command)
    def wrapper(*args, quiet: bool, verbose: bool, **kwargs):
        with Console(quiet, verbose) as console:
            return command(*args, console=console, **kwargs)

    return wrapper


def fail(message: str) -> None:
    """Print a one-line error and exit."""
    click.echo(f"nvc: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=echo_version,
              help="Show the versions of nvc, its container format and its models, and exit.")
def main() -> None:
    """nvc: learned image compression."""


@main.command()
@click.argument("source")
@click.argument("destination")
@click.option("--quality", "-q", type=int, default=4, show_default=True, help="quality level (1 = smallest)")
@click.option("--model", "-m", default=DEFAULT_MODEL, show_default=True, help="model name (see 'nvc models')")
@click.option("--effort", type=click.Choice(["fast", "normal", "slow"]),
              help="encoder search effort: overfit, how long the fit runs (default normal); "
                   "checkerboard and hyperprior, steps of latent refinement (default fast: none)")
@click.option("--frames", type=click.IntRange(min=1), help="video: code at most this many frames")
@click.option("--intra-period", type=int, default=32, show_default=True,
              help="video: an intra frame every N frames (1: all intra; -1: only the first), P-frames between")
@click.option("--matrix", type=click.Choice(["bt709", "bt601", "bt2020"]),
              help="video: the source's YUV matrix, when its metadata is missing or wrong (default: metadata, else bt709)")
@click.option("--strip", is_flag=True,
              help="image: keep no metadata (EXIF, ICC profile); the EXIF orientation is applied all the same")
@with_console
@reports_errors
def compress(source: str, destination: str, quality: int, model: str, effort: str | None, frames: int | None,
             intra_period: int, matrix: str | None, strip: bool, console: Console) -> None:
    """Compress an image or video SOURCE into DESTINATION (.nvc); '-' means stdin/stdout (images).

    Prints nothing on success, except one summary line (bytes, bits per pixel, seconds)
    when stderr is a terminal or with --verbose."""
    from cli.video_files import is_video_path

    refuse_terminal_output(destination, "compressed data")
    if is_video_path(source):
        from cli.video import compress_video

        compress_video(source, destination, quality, model, frames, matrix, intra_period, console)
        return
    import nvc
    from cli.files import open_image, write_output

    image = open_image(read_input(source), source)
    with console.fraction_bar("compressing") as progress:
        data = nvc.encode(image, quality=quality, model=model, effort=effort, progress=progress, strip=strip)
    write_output(destination, data)
    console.summary(size_summary(source, destination, len(data), image.width * image.height))


@main.command()
@click.argument("source")
@click.argument("destination")
@click.option("--conceal", is_flag=True,
              help="damaged stream: fill in what the model can conceal (VQ images), or keep a video's complete frames; warns")
@with_console
@reports_errors
def decompress(source: str, destination: str, conceal: bool, console: Console) -> None:
    """Decompress SOURCE (.nvc) into an image; the format follows DESTINATION's extension."""
    from cli.video import decompress_video, is_video_stream_file

    refuse_terminal_output(destination, "image data")
    if is_video_stream_file(source):
        decompress_video(source, destination, console, keep_complete=conceal)
        return
    from cli.files import encode_image_file, image_format_for, write_output
    from nvc.coding import decode_stream
    from nvc.metadata.chunks import read_metadata
    from nvc.metadata.image import save_options
    from nvc.pixels import to_image

    image_format = image_format_for(destination)
    data = read_input(source)
    with console.fraction_bar("decompressing") as progress:
        decoded = decode_stream(data, conceal, progress)
    options, dropped = save_options(read_metadata(data), image_format)
    if dropped:
        console.warn(f"{destination}: left out the stream's {' and '.join(dropped)}, "
                     f"which {image_format} output cannot hold")
    image = to_image(decoded.pixels, decoded.header.channels)
    write_output(destination, encode_image_file(image, image_format, options))
    for note in decoded.concealed:
        console.warn(f"damaged stream, concealed: {note}")
    console.summary(f"{source} -> {destination}: {decoded.header.width}x{decoded.header.height}")


@main.command()
@click.argument("source")
@reports_errors
def info(source: str) -> None:
    """Show the header fields, chunk sizes and bits per pixel of an nvc stream (of a damaged
    one: what can be read, then the error)."""
    from cli.info import describe_image
    from cli.video import describe_video, is_video_stream_file

    if is_video_stream_file(source):
        describe_video(source)
        return
    describe_image(read_input(source))


@main.command()
def models() -> None:
    """List the models this installation can code with; the default one is marked."""
    echo_models()
