"""What the ``nvc`` command says besides its errors: warnings (silenced by ``--quiet``), one
summary line when a command succeeds (on a terminal, or with ``--verbose``), progress bars
(on a terminal), and its refusal to write binary data to a terminal, as gzip refuses."""

from __future__ import annotations

import contextlib
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import click

from cli.files import STDIO, UsageError

BAR_DELAY = 2.0  # seconds before a fraction bar appears: quick commands show none


def refuse_terminal_output(destination: str, what: str) -> None:
    """UsageError when ``destination`` is stdout and stdout is a terminal (binary data there
    would garble it); checked before any work is done."""
    if destination == STDIO and sys.stdout.isatty():
        raise UsageError(f"{what} not written to a terminal (redirect stdout or name an output file)")


@dataclass
class Console:
    """A command's ``--quiet`` and ``--verbose`` settings, and the time it started. Used as
    a context manager around the command: when quiet, Python warnings (e.g. Pillow's about
    very large images) are ignored inside it."""

    quiet: bool = False
    verbose: bool = False
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self):
        if self.quiet and self.verbose:
            raise click.UsageError("--quiet and --verbose exclude each other")
        self._warnings = warnings.catch_warnings()

    def __enter__(self) -> Console:
        self._warnings.__enter__()
        if self.quiet:
            warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc_info) -> None:
        self._warnings.__exit__(*exc_info)

    @property
    def progress_disabled(self) -> bool | None:
        """tqdm's ``disable``: True when quiet, None (only on a terminal) otherwise."""
        return True if self.quiet else None

    @contextlib.contextmanager
    def fraction_bar(self, label: str) -> Iterator[Callable[[float], None]]:
        """A callback taking the fraction done, drawn as a percentage bar (see ``progress_disabled``)
        once the work has taken BAR_DELAY seconds."""
        from tqdm import tqdm

        with tqdm(total=100, desc=label, unit="%", leave=False, disable=self.progress_disabled, delay=BAR_DELAY,
                  bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:
            yield lambda fraction: bar.update(round(100 * fraction) - bar.n)

    def warn(self, message: str) -> None:
        """``nvc: warning: message`` on stderr, unless quiet."""
        if not self.quiet:
            click.echo(f"nvc: warning: {message}", err=True)

    def summary(self, message: str) -> None:
        """One line on stderr when the command succeeded: on a terminal or with --verbose, never when quiet."""
        if self.verbose or (not self.quiet and sys.stderr.isatty()):
            click.echo(f"{message}, {time.perf_counter() - self.started:.2f} s", err=True)


def size_summary(source: str, destination: str, size: int, pixels: int) -> str:
    """``SOURCE -> DESTINATION: N bytes, B bpp`` for a coded image or video."""
    return f"{source} -> {destination}: {size} bytes, {8 * size / pixels:.4f} bpp"
