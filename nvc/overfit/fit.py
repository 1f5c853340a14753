"""The encoder's optimisation: fit an ``OverfitModel`` to one image by gradient descent on
distortion + lambda x rate.

Phases (after Cool-chic 5's intra preset):

1. warm-up: several models with different random networks each get a short, constant
   learning rate start; the best few continue, and the best one is kept;
2. main: cosine learning-rate decay, soft rounding whose temperature falls and Gaussian
   noise whose deviation falls;
3. final: true rounding (the latents are frozen) at a small learning rate, which tunes the
   networks to the integers that will be coded.

Every ``CHECK_EVERY`` iterations the model is scored with true rounding, and each phase
ends with the best-scoring parameters. The loss is the MSE of the [0, 1] image plus
lambda times the latents' bits per pixel.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

from nvc.optimizers import make_optimizer
from nvc.overfit.config import OverfitConfig
from nvc.overfit.model import HARD, OverfitModel, Rounding, eight_bit_mse

CHECK_EVERY = 100
SEED = 0


@dataclass(frozen=True)
class Schedule:
    """Iteration counts and hyper-parameters of one fit."""

    main_iterations: int
    final_iterations: int
    warmup_candidates: int = 5
    warmup_survivors: int = 2
    warmup_iterations: int = 50  # per candidate, in each of the two warm-up rounds
    learning_rate: float = 1e-2
    final_learning_rate: float = 1e-4
    temperatures: tuple[float, float] = (0.35, 0.08)
    deviations: tuple[float, float] = (0.22, 0.15)
    optimizer: str = "soap"  # for the networks: "soap" (measured 16% fewer bits than Adam at equal iterations) or "adam"
    gradient_clip: float = 0.1  # on the networks' gradient norm

    @property
    def iterations(self) -> int:
        """All iterations of a fit."""
        rounds = self.warmup_candidates + self.warmup_survivors
        return rounds * self.warmup_iterations + self.main_iterations + self.final_iterations


@dataclass
class Progress:
    """What a fit reports at each check."""

    phase: str
    iteration: int  # within the phase
    done: int  # iterations of the whole fit so far
    total: int  # iterations of the whole fit
    loss: float
    psnr: float  # with true rounding, before the networks are quantized
    bpp: float  # of the latents (ideal), without the networks
    seconds: float

    @property
    def fraction(self) -> float:
        """Of the whole fit, done."""
        return min(1.0, self.done / max(self.total, 1))


def warmup_deviation(lam: float) -> float:
    """Cool-chic's noise deviation for the warm-up, larger at high rates."""
    return (-0.432 * math.log10(lam) + 0.747) / 10


class Fitter:
    """One model, its optimisers and its best-so-far state."""

    def __init__(self, model: OverfitModel, image: torch.Tensor, lam: float, schedule: Schedule):
        self.model, self.image, self.lam, self.schedule = model, image, lam, schedule
        self.pixels = image.shape[-2] * image.shape[-1]
        self.best_loss, self.best_state = math.inf, None
        self.optimizers = self.make_optimizers(schedule.learning_rate)

    def make_optimizers(self, learning_rate: float) -> list[torch.optim.Optimizer]:
        """Adam for the latents; Adam or SOAP (``schedule.optimizer``) for the networks."""
        network_parameters = [p for module in self.model.networks() for p in module.parameters()]
        latents = torch.optim.Adam(self.model.latents.parameters(), lr=learning_rate)
        networks = make_optimizer(self.schedule.optimizer, network_parameters, learning_rate)
        return [latents, networks]

    def set_learning_rate(self, learning_rate: float) -> None:
        """The learning rate of every optimiser."""
        for optimizer in self.optimizers:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate

    def loss(self, rounding: Rounding) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(loss, mse, bits per pixel) of the current model."""
        reconstruction, bits = self.model(rounding)
        mse = torch.mean((reconstruction - self.image) ** 2)
        bpp = bits / self.pixels
        return mse + self.lam * bpp, mse, bpp

    def step(self, rounding: Rounding) -> None:
        """One gradient step."""
        loss, _, _ = self.loss(rounding)
        for optimizer in self.optimizers:
            optimizer.zero_grad(set_to_none=True)
        loss.backward()
        network_parameters = self.optimizers[1].param_groups[0]["params"]
        torch.nn.utils.clip_grad_norm_(network_parameters, self.schedule.gradient_clip)
        for optimizer in self.optimizers:
            optimizer.step()

    @torch.no_grad()
    def check(self) -> tuple[float, float, float]:
        """Score with true rounding and an 8-bit output; keep the parameters if best."""
        reconstruction, bits = self.model(HARD)
        mse = eight_bit_mse(reconstruction, self.image)
        bpp = float(bits) / self.pixels
        loss = mse + self.lam * bpp
        if loss < self.best_loss:
            self.best_loss, self.best_state = loss, copy.deepcopy(self.model.state_dict())
        return loss, -10 * math.log10(max(mse, 1e-12)), bpp

    def restore_best(self) -> None:
        """Go back to the best parameters seen."""
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)


Reporter = Callable[[Progress], None]


class Tally:
    """Iterations done of a whole fit, its start time, and where to report progress."""

    def __init__(self, total: int, report: Reporter | None):
        self.total, self.report, self.done, self.start = total, report, 0, time.perf_counter()

    def tell(self, phase: str, iteration: int, loss: float, psnr: float, bpp: float) -> None:
        """Report a check to the reporter, if any."""
        if self.report:
            self.report(Progress(phase, iteration, self.done, self.total, loss, psnr, bpp, time.perf_counter() - self.start))


def _run_phase(fitter: Fitter, phase: str, iterations: int, rounding_at: Callable[[float], Rounding],
               learning_rate_at: Callable[[float], float], tally: Tally) -> None:
    for iteration in range(iterations):
        fraction = iteration / max(iterations, 1)
        fitter.set_learning_rate(learning_rate_at(fraction))
        fitter.step(rounding_at(fraction))
        tally.done += 1
        if (iteration + 1) % CHECK_EVERY == 0 or iteration + 1 == iterations:
            tally.tell(phase, iteration + 1, *fitter.check())
    fitter.restore_best()


def _linear(bounds: tuple[float, float], fraction: float) -> float:
    return bounds[0] + (bounds[1] - bounds[0]) * fraction


def _warm_up(config: OverfitConfig, image: torch.Tensor, lam: float, schedule: Schedule, tally: Tally) -> Fitter:
    """The warm-up's tournament: returns the fitter of the best candidate."""
    height, width = image.shape[-2:]
    rounding = Rounding(schedule.temperatures[0], warmup_deviation(lam))
    fitters = [Fitter(OverfitModel(config, height, width).to(image.device), image, lam, schedule)
               for _ in range(schedule.warmup_candidates)]
    for survivors in (schedule.warmup_survivors, 1):
        for fitter in fitters:
            fitter.best_loss = math.inf
            _run_phase(fitter, "warm-up", schedule.warmup_iterations, lambda f: rounding,
                       lambda f: schedule.learning_rate, tally)
        fitters = sorted(fitters, key=lambda fitter: fitter.best_loss)[:survivors]
    return fitters[0]


def fit(image: torch.Tensor, config: OverfitConfig, lam: float, schedule: Schedule,
        report: Reporter | None = None) -> OverfitModel:
    """Fit a model to a (1, 3, H, W) image in [0, 1]. On the CPU the same image gives the same
    model (the random initialisations and noise come from a fixed seed; CUDA kernels are not
    all deterministic); the caller's random state, on the CPU and the image's GPU, is left as
    it was."""
    devices = [image.device.index or 0] if image.is_cuda else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(SEED)
        return _fit(image, config, lam, schedule, report)


def _fit(image: torch.Tensor, config: OverfitConfig, lam: float, schedule: Schedule, report: Reporter | None) -> OverfitModel:
    tally = Tally(schedule.iterations, report)
    fitter = _warm_up(config, image, lam, schedule, tally)
    fitter.best_loss = math.inf
    fitter.optimizers = fitter.make_optimizers(schedule.learning_rate)

    def main_rounding(fraction: float) -> Rounding:
        return Rounding(_linear(schedule.temperatures, fraction), _linear(schedule.deviations, fraction))

    def cosine(fraction: float) -> float:
        floor = schedule.final_learning_rate / 10
        return floor + 0.5 * (schedule.learning_rate - floor) * (1 + math.cos(math.pi * fraction))

    _run_phase(fitter, "main", schedule.main_iterations, main_rounding, cosine, tally)
    fitter.optimizers = fitter.make_optimizers(schedule.final_learning_rate)

    def final_rate(fraction: float) -> float:
        return schedule.final_learning_rate * 0.5 * (1 + math.cos(math.pi * fraction))

    _run_phase(fitter, "final", schedule.final_iterations, lambda f: HARD, final_rate, tally)
    return fitter.model
