"""A latent-refinement schedule measured on held-out training crops, never Kodak:
``python -m training.refine_schedule --steps 50 [--lr 0.015] [--start-temperature 1.0]
[--end-temperature 0.2] [--images 6] [--model checkerboard] [--data-dir ../shared/data/train]``.

Each of the first ``--images`` held-out images (every ``validation_every_nth_image``-th file
of the training folder, the slice training holds out) gives a centred 384x256 crop (256x384
for portrait images), coded at qualities 2, 4, 6 and 8 with the analysis transform's latents
and with refined ones (``nvc.image.refine``). The rate is the entropy model's estimate of the
bits of the hard-rounded latents (the coded stream adds its headers and the coder's
overhead), the PSNR that of the synthesis. Prints the BD-rate (PSNR) of refined against unrefined, per
image and their mean: the number the effort schedules were chosen by (docs/RESULTS.md).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch

from kodak_eval.bdrate import Curve, bd_rate
from nvc.image.codec import load_model
from nvc.image.refine import Refinement, hard_round, rate_and_distortion, refine_latents
from nvc.tensors import pixels_to_tensor
from training.config import TrainConfig
from training.data import list_files, load_rgb, split_files

QUALITIES = (2, 4, 6, 8)
CROP = (256, 384)  # height, width of a landscape crop; transposed for portrait images


def centred_crop(path: Path) -> np.ndarray:
    """The centred ``CROP`` of an image file as (H, W, 3) uint8 pixels (transposed for portrait)."""
    pixels = load_rgb(path).permute(1, 2, 0).numpy()
    height, width = CROP if pixels.shape[1] >= pixels.shape[0] else CROP[::-1]
    if pixels.shape[0] < height or pixels.shape[1] < width:
        raise ValueError(f"{path} is smaller than the {width}x{height} crop")
    top, left = (pixels.shape[0] - height) // 2, (pixels.shape[1] - width) // 2
    return pixels[top : top + height, left : left + width]


@torch.no_grad()
def rate_and_psnr(network: torch.nn.Module, target: torch.Tensor, y: torch.Tensor, z: torch.Tensor,
                  level: torch.Tensor) -> tuple[float, float]:
    """(estimated bpp, PSNR in dB) of hard-rounded latents y and z."""
    bpp, mse = rate_and_distortion(network, target, y, z, level, hard_round)
    return bpp.item(), -10 * math.log10(mse.item())


def image_bd_rate(model_name: str, pixels: np.ndarray, refinement: Refinement) -> float:
    """BD-rate (%) of refined against unrefined latents of one image over ``QUALITIES``."""
    network = load_model(model_name).network
    x = pixels_to_tensor(pixels, network.downsampling)
    target = x[..., : pixels.shape[0], : pixels.shape[1]]
    start, refined = [], []
    for quality in QUALITIES:
        level = torch.tensor([quality - 1])
        with torch.no_grad():
            start.append(rate_and_psnr(network, target, *network.analyse(x, level), level))
        y, z = refine_latents(network, x, pixels.shape[:2], quality, refinement)
        refined.append(rate_and_psnr(network, target, y, z, level))
    curves = [Curve(name, *zip(*sorted(points, key=lambda p: p[1]))) for name, points in
              (("analysis", start), ("refined", refined))]
    return bd_rate(*curves)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and print the schedule's BD-rates."""
    parser = argparse.ArgumentParser(prog="python -m training.refine_schedule", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, required=True, help="refinement steps")
    parser.add_argument("--lr", type=float, default=Refinement.learning_rate, help="Adam's learning rate")
    parser.add_argument("--start-temperature", type=float, default=Refinement.start_temperature)
    parser.add_argument("--end-temperature", type=float, default=Refinement.end_temperature)
    parser.add_argument("--images", type=int, default=6, help="how many held-out images")
    parser.add_argument("--model", default="checkerboard", help="a registered hyperprior-family model")
    parser.add_argument("--data-dir", default=TrainConfig.data_dir, help="the training image folder")
    args = parser.parse_args(argv)
    refinement = Refinement(args.steps, args.lr, args.start_temperature, args.end_temperature)
    started = time.perf_counter()
    try:
        _, held_out = split_files(list_files(args.data_dir), TrainConfig.validation_every_nth_image)
        crops = [centred_crop(path) for path in held_out[: args.images]]
    except (FileNotFoundError, ValueError) as error:
        parser.error(str(error))
    rates = [image_bd_rate(args.model, crop, refinement) for crop in crops]
    print(f"{refinement}: BD-rate vs the analysis {np.mean(rates):+.2f}% "
          f"(per image {' '.join(f'{r:+.1f}' for r in rates)}; {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
