"""Multi-process training with torchrun / DistributedDataParallel, and the single-process default.

``torchrun --nproc_per_node=N -m training --config ...`` starts N ranks; each gets one
GPU (NCCL) or, on CPU, a share of the cores (gloo). Every rank holds the whole image
bank and draws its own crops (seeded by rank), so the global batch is N times the
configured one. Only rank 0 logs, validates and writes checkpoints. Without torchrun's
environment variables everything runs as a single plain process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


@dataclass(frozen=True)
class Ranks:
    """Where this process sits in the job."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """True on the rank that logs and checkpoints."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """True when a process group is in use."""
        return self.world_size > 1 or "RANK" in os.environ


def start(device_type: str) -> Ranks:
    """Join the process group that torchrun describes in the environment, if any."""
    if "RANK" not in os.environ:
        return Ranks()
    ranks = Ranks(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device_type == "cuda" else "gloo")
    return ranks


def device_for(ranks: Ranks) -> torch.device:
    """This rank's device: its own GPU when there are GPUs, else the CPU."""
    if torch.cuda.is_available():
        torch.cuda.set_device(ranks.local_rank)
        return torch.device("cuda", ranks.local_rank)
    return torch.device("cpu")


def wrap(model: nn.Module, ranks: Ranks, unsynchronised: list[str]) -> nn.Module:
    """DDP around ``model`` when distributed (the named parameters are left out of the
    gradient all-reduce), else the model itself."""
    if not ranks.distributed:
        return model
    DistributedDataParallel._set_params_and_buffers_to_ignore_for_model(model, unsynchronised)
    device_ids = [ranks.local_rank] if torch.cuda.is_available() else None
    return DistributedDataParallel(model, device_ids=device_ids)


def any_rank(flag: bool, ranks: Ranks, device: torch.device) -> bool:
    """True on every rank when ``flag`` is true on at least one (e.g. "time is up")."""
    if not ranks.distributed:
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def stop(ranks: Ranks) -> None:
    """Leave the process group."""
    if ranks.distributed and dist.is_initialized():
        dist.destroy_process_group()
