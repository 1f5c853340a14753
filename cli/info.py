"""What ``nvc info``, ``nvc models`` and ``nvc --version`` print. Torch-free, except where
a model family describes its own streams."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click

from bitstream import FORMAT_VERSION, read_until_damage
from nvc.coding import describe_stream
from nvc.registry import DEFAULT_MODEL, model_entries

INFO_LABEL_WIDTH = len("weights sha256: ")  # the longest label: values start after it


def echo_fields(fields: list[tuple[str, str]]) -> None:
    """Print ``label: value`` lines with the values lined up."""
    for label, value in fields:
        click.echo(f"{label + ':':<{INFO_LABEL_WIDTH}}{value}")


def describe_image(data: bytes) -> None:
    """``nvc info`` for an image stream: header fields, chunk sizes, then the lines its
    tiles or its model's family add. Of a damaged stream, what can be read, then its
    FormatError."""
    container, damage = read_until_damage(data)
    header = container.header
    echo_fields([
        ("format version", f"{container.version[0]}.{container.version[1]}"),
        ("model", header.model),
        ("weights sha256", header.weights_digest.hex()),
        ("size", f"{header.width}x{header.height}"),
        ("channels", str(header.channels)),
        ("bit depth", str(header.bit_depth)),
        ("quality", str(header.quality)),
        ("bytes", str(len(data))),
        ("bpp", f"{len(data) * 8 / (header.width * header.height):.4f}"),
    ])
    click.echo("chunks:")
    for chunk_type, size in container.chunk_sizes():
        click.echo(f"  {chunk_type}  {size:>10} bytes")
    if damage is not None:
        raise damage
    entry = {entry.name: entry for entry in model_entries()}.get(header.model)
    if entry is not None:
        echo_fields(describe_stream(entry, container))


def nvc_version() -> str:
    """The installed nvc distribution's version."""
    try:
        return version("nvc")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def default_mark(name: str) -> str:
    """What follows the default model's name (and nothing follows the others')."""
    return " (default)" if name == DEFAULT_MODEL else ""


def echo_version(context: click.Context, _parameter: click.Parameter, value: bool) -> None:
    """``--version``'s callback: nvc's version, the container format's and every model's, then exit."""
    if not value or context.resilient_parsing:
        return
    click.echo(f"nvc {nvc_version()}")
    click.echo(f"container format {FORMAT_VERSION[0]}.{FORMAT_VERSION[1]}")
    click.echo("models: " + ", ".join(f"{entry.name} {entry.version}{default_mark(entry.name)}" for entry in model_entries()))
    context.exit()


def echo_models() -> None:
    """One line per model: name, version, quality range, weights digest and description."""
    for entry in model_entries():
        qualities = entry.qualities
        click.echo(
            f"{entry.name}{default_mark(entry.name)}  version {entry.version}  quality {qualities.start}-{qualities.stop - 1}  "
            f"weights {entry.sha256[:12]}  {entry.description}"
        )
