"""The optimisers nvc fits with, by name: Adam (torch) and SOAP (Vyas et al. 2024, Adam in the
eigenbasis of Shampoo's preconditioner, from ``pytorch-optimizer``). The overfitted encoder
and ``training/`` both choose through here, so a name means the same settings in both."""

from __future__ import annotations

from collections.abc import Iterable

import torch

OPTIMIZERS = ("adam", "soap")


def make_optimizer(name: str, parameters: Iterable[torch.nn.Parameter], learning_rate: float) -> torch.optim.Optimizer:
    """An optimiser of ``parameters`` by name (one of OPTIMIZERS); SOAP with its library defaults
    (betas 0.95, 0.95; preconditioner updated every 10 steps; decoupled weight decay 0.01)."""
    if name == "adam":
        return torch.optim.Adam(parameters, lr=learning_rate)
    if name == "soap":
        from pytorch_optimizer import SOAP

        return SOAP(parameters, lr=learning_rate, betas=(0.95, 0.95), weight_decay=0.01, precondition_frequency=10)
    raise ValueError(f"unknown optimizer '{name}' (known: {', '.join(OPTIMIZERS)})")
