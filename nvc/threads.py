"""One torch thread for the computations encoder and decoder must agree on exactly: with a
fixed thread count, float results are identical on one machine whatever torch's setting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def single_thread() -> Iterator[None]:
    """Run the enclosed torch code on one thread, restoring the setting afterwards."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
