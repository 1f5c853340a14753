"""Quantization of the fitted networks, with steps chosen by rate-distortion.

Every network (ARM, upsampling, synthesis) has one step for its weights and one for its
biases, each a power of two ``2**-shift``. Its parameters are sent as the integers
``round(parameter / step)`` (``entropy.integers``). The steps are chosen one network at
a time (ARM, synthesis, upsampling): each candidate is scored by
``MSE + lambda * (latent bits + that network's bits) / pixels`` with true rounding, as the
decoder will see it; the weight shift is chosen first with the finest bias shift, then
the bias shift.

The ARM's bias shift may exceed its weight shift by at most ``FRACTION_BITS``, so that
the fixed-point ARM adds its biases exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from entropy.integers import INTEGER_LIMIT, best_integer_scale
from nvc.overfit.fixed_point import FRACTION_BITS, MAX_WEIGHT_SHIFT, FixedPointArm

WEIGHT_SHIFTS = range(2, MAX_WEIGHT_SHIFT + 1)
MAX_BIAS_SHIFT = MAX_WEIGHT_SHIFT + FRACTION_BITS


@dataclass(frozen=True)
class QuantizedNetwork:
    """One network's steps and integer parameters (weights first, then biases, in the
    order of its ``weights_and_biases``)."""

    weight_shift: int
    bias_shift: int
    integers: tuple[np.ndarray, ...]

    def bits(self) -> float:
        """Ideal bits of the integers (each array under its best scale)."""
        return sum(best_integer_scale(values)[1] for values in self.integers)


def _integers(parameter: torch.Tensor, shift: int) -> np.ndarray | None:
    values = torch.round(parameter.detach().double() * 2.0**shift).cpu().numpy().astype(np.int64)
    return values if np.abs(values).max(initial=0) <= INTEGER_LIMIT else None


def quantize(network: nn.Module, weight_shift: int, bias_shift: int) -> QuantizedNetwork | None:
    """The network at the given steps; None if a parameter does not fit the integer range."""
    weights, biases = network.weights_and_biases()
    integers = [_integers(p, weight_shift) for p in weights] + [_integers(p, bias_shift) for p in biases]
    if any(values is None for values in integers):
        return None
    return QuantizedNetwork(weight_shift, bias_shift, tuple(integers))


@torch.no_grad()
def load_quantized(network: nn.Module, quantized: QuantizedNetwork) -> None:
    """Set the network's parameters to the dequantized integers."""
    weights, biases = network.weights_and_biases()
    shifts = [quantized.weight_shift] * len(weights) + [quantized.bias_shift] * len(biases)
    for parameter, values, shift in zip([*weights, *biases], quantized.integers, shifts):
        parameter.copy_(torch.from_numpy(values.astype(np.float64) * 2.0**-shift).reshape(parameter.shape))


def fixed_point_arm(quantized: QuantizedNetwork, hidden_layers: int) -> FixedPointArm:
    """The integer ARM of a quantized ARM (weights, then biases, as ``Arm.weights_and_biases``)."""
    weights = [values.astype(np.float64) for values in quantized.integers[: hidden_layers + 1]]
    bias_scale = 2.0 ** (quantized.weight_shift + FRACTION_BITS - quantized.bias_shift)
    biases = [values.astype(np.float64) * bias_scale for values in quantized.integers[hidden_layers + 1 :]]
    return FixedPointArm(tuple(zip(weights[:-1], biases[:-1])), weights[-1], biases[-1], quantized.weight_shift)


Score = Callable[[], float]


def _best(network: nn.Module, candidates: list[tuple[int, int]], score: Score, pixels: int, lam: float,
          original: dict) -> QuantizedNetwork | None:
    """The candidate (weight shift, bias shift) of least loss; None if no candidate fits."""
    best_loss, best = math.inf, None
    for weight_shift, bias_shift in candidates:
        quantized = quantize(network, weight_shift, bias_shift)
        if quantized is None:
            continue
        load_quantized(network, quantized)
        loss = score() + lam * quantized.bits() / pixels
        if loss < best_loss:
            best_loss, best = loss, quantized
        network.load_state_dict(original)
    return best


def _finest_fitting_shift(parameters: list[torch.Tensor]) -> int:
    """The largest shift at which every parameter's integer fits the integer range."""
    largest = max((float(p.detach().abs().max()) for p in parameters), default=0.0)
    return MAX_BIAS_SHIFT if largest == 0 else int(math.floor(math.log2(INTEGER_LIMIT / largest)))


def choose_steps(network: nn.Module, score: Score, pixels: int, lam: float, bias_headroom: int) -> QuantizedNetwork:
    """The network's best quantization; ``score()`` is the loss of the whole model without the
    network's own bits; the bias shift exceeds the weight shift by at most ``bias_headroom``.
    The network is left quantized."""
    original = {name: value.clone() for name, value in network.state_dict().items()}
    biases = network.weights_and_biases()[1]
    has_biases = bool(biases)
    fitting = min(_finest_fitting_shift(biases), MAX_BIAS_SHIFT)

    def finest(shift: int) -> int:
        return max(0, min(shift + bias_headroom, fitting))

    best = _best(network, [(shift, finest(shift)) for shift in WEIGHT_SHIFTS], score, pixels, lam, original)
    if best is None:
        raise ValueError("no quantization step fits the network's parameters")
    if has_biases:
        shifts = range(0, finest(best.weight_shift) + 1)
        best = _best(network, [(best.weight_shift, shift) for shift in shifts], score, pixels, lam, original)
    load_quantized(network, best)
    return best
