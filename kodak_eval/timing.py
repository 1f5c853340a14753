"""Encode/decode speed on one image: nvc through its public API, and CompressAI's bmshj2018 hyperprior.

Each measurement is the median wall time over ``runs`` calls, after one untimed warm-up call
(model loading, allocator and kernel warm-up), all in this process on torch's CPU threads.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import nvc
from kodak_eval.tables import markdown_table

COMPRESSAI_QUALITY = 4
COMPRESSAI_STRIDE = 64  # bmshj2018 needs sizes divisible by 2^6


@dataclass(frozen=True)
class TimingRow:
    """Median encode and decode seconds of one codec setting."""

    codec: str
    setting: str
    encode_s: float
    decode_s: float


def median_seconds(call: Callable[[], object], runs: int, warmup: int = 1) -> float:
    """Median wall time (time.perf_counter) of ``runs`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_nvc(image: Image.Image, quality: int, model: str, runs: int) -> TimingRow:
    """Median nvc.encode and nvc.decode times of ``image`` at ``quality``."""
    data = nvc.encode(image, quality, model)
    encode_s = median_seconds(lambda: nvc.encode(image, quality, model), runs)
    decode_s = median_seconds(lambda: nvc.decode(data), runs)
    return TimingRow("nvc", f"{model}, quality {quality}", encode_s, decode_s)


def padded_tensor(image: Image.Image, stride: int = COMPRESSAI_STRIDE) -> torch.Tensor:
    """1x3xHxW float tensor in [0, 1], zero-padded right/bottom to multiples of ``stride``."""
    pixels = np.array(image.convert("RGB"))  # a writable copy, as torch.from_numpy wants
    x = torch.from_numpy(pixels).permute(2, 0, 1)[None].float().div(255.0)
    height, width = x.shape[2:]
    return F.pad(x, (0, -width % stride, 0, -height % stride))


def time_compressai(image: Image.Image, runs: int, quality: int = COMPRESSAI_QUALITY) -> TimingRow:
    """Median compress/decompress times of CompressAI's bmshj2018_hyperprior (random weights)."""
    import nvc.compressai_compat  # noqa: F401  (must precede any compressai import)
    from compressai.zoo import bmshj2018_hyperprior

    network = bmshj2018_hyperprior(quality=quality, pretrained=False).eval()
    network.update()
    x = padded_tensor(image)
    with torch.no_grad():
        compressed = network.compress(x)
        encode_s = median_seconds(lambda: network.compress(x), runs)
        decode_s = median_seconds(lambda: network.decompress(compressed["strings"], compressed["shape"]), runs)
    setting = f"bmshj2018_hyperprior q{quality}, random weights, {x.shape[3]}x{x.shape[2]} padded"
    return TimingRow("compressai", setting, encode_s, decode_s)


def run_timing(image_path: Path, model: str, quality: int, runs: int) -> list[TimingRow]:
    """Time nvc and CompressAI on one image file."""
    with Image.open(image_path) as image:
        image.load()
        return [time_nvc(image, quality, model, runs), time_compressai(image, runs)]


def timing_markdown(rows: list[TimingRow], image_path: Path, runs: int) -> str:
    """The timing rows as a markdown table, with the image, run count and torch threads above it."""
    with Image.open(image_path) as image:
        size = f"{image.width}x{image.height}"
    intro = (f"Median of {runs} runs (after 1 warm-up) on {image_path.name} ({size}), "
             f"torch.get_num_threads() = {torch.get_num_threads()}.\n\n")
    body = [[row.codec, row.setting, f"{1000 * row.encode_s:.1f}", f"{1000 * row.decode_s:.1f}"] for row in rows]
    return intro + markdown_table(["codec", "setting", "encode (ms)", "decode (ms)"], body)
