"""Reading and writing weight files (safetensors) and their digests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def file_digest(path: str | Path) -> bytes:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def load_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Tensors of a safetensors file, as float32 where they were stored in half precision."""
    tensors = load_file(str(path))
    return {k: v.float() if v.dtype == torch.float16 else v for k, v in tensors.items()}


# The factorized density of z is tiny and feeds the coding tables directly: kept in fp32.
FULL_PRECISION_PREFIXES = ("entropy_bottleneck.",)


def save_state_dict(state: dict[str, torch.Tensor], path: str | Path, half: bool = True) -> bytes:
    """Write tensors to safetensors, floats in fp16 when ``half``; returns the file's digest."""

    def stored(name: str, tensor: torch.Tensor) -> torch.Tensor:
        halve = half and tensor.is_floating_point() and not name.startswith(FULL_PRECISION_PREFIXES)
        return (tensor.detach().half() if halve else tensor.detach()).contiguous()

    converted = {name: stored(name, tensor) for name, tensor in state.items()}
    save_file(converted, str(path))
    return file_digest(path)
