"""The streams fuzzing starts from, and the random-weight models that make most of them.

Random weights decode as any weights do, and tiny ones decode in milliseconds, so most
mutants go to them; the shipped models (``shipped``) add the real networks' shapes. The
fuzzing models are built from fixed seeds and kept in a folder, so that worker processes
and later replays register the very same weights.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

IMAGE, CONCEAL, VIDEO = "image", "conceal", "video"  # how a stream is decoded (see ``oracle``)
FUZZ_TILES = (64, 16)  # tile stride and overlap of the tiled seed: small tiles, so it decodes fast


@dataclass(frozen=True)
class Seed:
    """A valid stream to mutate, and how it is decoded."""

    name: str
    data: bytes
    mode: str  # IMAGE, CONCEAL or VIDEO: how ``oracle`` decodes it and its mutants


@dataclass(frozen=True)
class FuzzModel:
    """A random-weight model: its registry name, family, role, shape and weight adjustment."""

    name: str
    family: str
    role: str
    config: object
    adjust: Callable | None = None


def _loud(network) -> None:
    """Large latents and scales, so that symbols and scale indices vary."""
    network.g_a[-1].weight.mul_(200.0)
    network.g_a[-1].bias.mul_(200.0)
    network.h_s[-1].weight.mul_(50.0)


def spread_indices(network) -> None:
    """Large VQ latents and uneven priors, so that indices and their probabilities vary (the
    VQ tests' models use it too)."""
    network.encoder[-1].weight.mul_(20.0)
    for prior in network.priors:
        prior.context[-1].weight.normal_(0.0, 0.3)
        prior.anchor_logits.normal_(0.0, 1.0)
    network.derive_sub_codebooks()


def fuzz_models() -> list[FuzzModel]:
    """The random-weight models of the corpus (configs import no torch)."""
    from nvc.image.config import CheckerboardConfig, HyperpriorConfig
    from nvc.registry import IMAGE as IMAGE_ROLE, INTER
    from nvc.vq.config import VQConfig

    tiny = HyperpriorConfig(channels=8, latent_channels=12)
    return [
        FuzzModel("fuzz-hyperprior", "hyperprior", IMAGE_ROLE, tiny, _loud),
        FuzzModel("fuzz-checkerboard", "hyperprior", IMAGE_ROLE,
                  CheckerboardConfig(channels=8, latent_channels=12, slices=(4, 8), context_channels=8,
                                     transforms="gdn"), _loud),
        FuzzModel("fuzz-vq", "vq", IMAGE_ROLE,
                  VQConfig(channels=16, code_dimension=4, codebook_size=64, stages=4, sub_codebooks=(4, 16),
                           prior_channels=16, embedding_channels=8), spread_indices),
        FuzzModel("fuzz-inter", "hyperprior", INTER, tiny),
    ]


def register_fuzz_models(folder: Path) -> None:
    """Register the fuzzing models, building their weights (from fixed seeds) into
    ``folder`` the first time and reading them from there afterwards."""
    import torch

    from nvc.registry import ModelEntry, register_model
    from nvc.weights import file_digest, save_state_dict

    folder.mkdir(parents=True, exist_ok=True)
    for seed, model in enumerate(fuzz_models()):
        path = folder / f"{model.name}.safetensors"
        if not path.exists():
            with torch.random.fork_rng(), torch.no_grad():
                torch.manual_seed(seed)
                network = model.config.build()
                if model.adjust is not None:
                    model.adjust(network)
            save_state_dict(network.state_dict(), path, half=False)
        register_model(ModelEntry(model.name, "0", model.family, path, file_digest(path).hex(), model.config,
                                  "random weights, for fuzzing", model.role))


def textured(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A (height, width, 3) uint8 image: gradients plus strong noise."""
    rows, cols = np.mgrid[0:height, 0:width]
    noise = np.random.default_rng(seed).integers(-30, 31, (height, width, 3))
    return np.clip(np.stack([rows * 2, cols, rows + cols], axis=2) % 256 + noise, 0, 255).astype(np.uint8)


def video_stream(model: str, inter: str, frames: int = 3, height: int = 24, width: int = 40) -> bytes:
    """A video stream: an intra frame, a P-frame, an intra frame (intra period 2)."""
    from nvc.video.codec import VideoParameters, encode_video

    clip = [np.roll(textured(height, width, seed=1), 2 * index, axis=1) for index in range(frames)]
    out = io.BytesIO()
    encode_video(clip, out, VideoParameters(Fraction(25), intra_period=2), 3, model, inter_model=inter)
    return out.getvalue()


def overfit_stream(pixels: np.ndarray, quality: int = 4) -> bytes:
    """An overfitted-family stream fitted in a few dozen iterations (the decoder does not
    care how good the fit is)."""
    from bitstream import write_container
    from nvc.coding import image_header
    from nvc.overfit.codec import encode_image
    from nvc.overfit.config import OverfitConfig
    from nvc.overfit.fit import Schedule
    from nvc.overfit.presets import LAMBDAS

    schedule = Schedule(main_iterations=30, final_iterations=10, warmup_candidates=1, warmup_survivors=1,
                        warmup_iterations=5)
    chunks = encode_image(pixels, OverfitConfig(), LAMBDAS[quality - 1], schedule)
    return write_container(image_header(pixels, quality, "overfit"), chunks)


def make_seeds(shipped: bool) -> list[Seed]:
    """The seed streams (the fuzzing models registered): random-weight hyperprior and
    checkerboard images, a VQ image (decoded plainly and concealing), tiled images
    (hyperprior, and VQ decoded concealing) and a video; with ``shipped``, also the default model's image, the shipped models' video and
    an overfitted image (its fit takes a minute or two)."""
    from nvc.coding import encode_pixels
    from nvc.registry import DEFAULT_MODEL
    from nvc.tiles.grid import plan_tiles

    image, big = textured(48, 80), textured(96, 160)
    vq = encode_pixels(image, 3, "fuzz-vq")
    tiles = plan_tiles(160, 96, *FUZZ_TILES)
    seeds = [
        Seed("hyperprior", encode_pixels(image, 5, "fuzz-hyperprior"), IMAGE),
        Seed("checkerboard", encode_pixels(image, 5, "fuzz-checkerboard"), IMAGE),
        Seed("vq", vq, IMAGE),
        Seed("vq-conceal", vq, CONCEAL),
        Seed("tiled", encode_pixels(big, 5, "fuzz-hyperprior", tiles=tiles), IMAGE),
        Seed("tiled-vq-conceal", encode_pixels(big, 3, "fuzz-vq", tiles=tiles), CONCEAL),
        Seed("video", video_stream("fuzz-hyperprior", "fuzz-inter"), VIDEO),
    ]
    if shipped:
        seeds += [
            Seed(f"{DEFAULT_MODEL}-shipped", encode_pixels(textured(32, 48), 4, DEFAULT_MODEL), IMAGE),
            Seed("video-shipped", video_stream(DEFAULT_MODEL, "inter", height=32, width=48), VIDEO),
            Seed("overfit", overfit_stream(textured(32, 48)), IMAGE),
        ]
    return seeds
