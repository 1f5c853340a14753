"""Loading a registered model's network: the one place that checks a weights file's digest."""

from __future__ import annotations

import torch

from nvc.errors import CodecError
from nvc.registry import ModelEntry
from nvc.threads import single_thread
from nvc.weights import file_digest, load_state_dict


def load_network(entry: ModelEntry) -> torch.nn.Module:
    """A registered model's network in eval mode, its weights file checked against the digest."""
    if not entry.weights.exists():
        raise CodecError(f"weights of model '{entry.name}' are missing: {entry.weights}")
    if file_digest(entry.weights) != entry.digest:
        raise CodecError(f"weights file of model '{entry.name}' does not match its registered digest")
    with single_thread():  # small, memory-bound work: on a busy machine more threads only wait for each other
        network = entry.config.build()
        network.load_state_dict(load_state_dict(entry.weights), assign=True)  # the loaded tensors, not copies
    return network.eval()
