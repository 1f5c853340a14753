"""Run codecs over images: every (codec, setting, image) once, in parallel, cached, with progress.

Each job encodes one image, writes the stream to ``out/streams/<codec>/<setting>/``,
reads it back, decodes it and measures the decoded pixels against the original, so bpp
is the size of a file on disk and every metric is of real decoded output. With
``jobs > 1`` the jobs run in that many spawned worker processes, each limited to one
torch thread; encode and decode times are then single-core times.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from kodak_eval.cache import ResultCache, cache_key, file_digest
from kodak_eval.codecs import get_codec
from kodak_eval.codecs.base import Codec
from kodak_eval.errors import EvalError
from kodak_eval.jobs import ready_codec, run_cached
from kodak_eval.metrics import bits_per_pixel, ms_ssim_rgb, psnr_rgb, psnr_y_and_yuv
from kodak_eval.perceptual import Lpips
from kodak_eval.results import PER_IMAGE_SUFFIX, ImageResult, summarise, write_json, write_per_image

CACHE_FOLDER, STREAM_FOLDER = "cache", "streams"


@dataclass(frozen=True)
class Job:
    """One image to code with one codec at one setting."""

    codec: str
    setting: int
    image: Path
    stream: Path
    key: str  # cache key
    lpips: Path | None = None  # folder of LPIPS weights, when LPIPS is measured

    @property
    def cache_name(self) -> str:
        """Results are cached per codec."""
        return self.codec

    @property
    def label(self) -> str:
        """Codec, setting and image, for progress and errors."""
        return f"{self.codec} at setting {self.setting} on {self.image.name}"


def load_rgb(path: Path) -> np.ndarray:
    """An image file as uint8 (H, W, 3) RGB; EvalError when it cannot be read."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except OSError as error:
        raise EvalError(f"cannot read image {path}: {error}") from None


def code_image(codec: Codec, setting: int, image: Path, stream: Path, lpips: Lpips | None = None) -> ImageResult:
    """Encode ``image`` to the ``stream`` file, decode that file and measure the result."""
    reference = load_rgb(image)
    height, width = reference.shape[:2]
    start = time.perf_counter()
    data = codec.encode(reference, setting)
    encode_s = time.perf_counter() - start
    stream.parent.mkdir(parents=True, exist_ok=True)
    stream.write_bytes(data)

    data = stream.read_bytes()
    start = time.perf_counter()
    decoded = codec.decode(data, height, width)
    decode_s = time.perf_counter() - start
    if decoded.shape != reference.shape or decoded.dtype != np.uint8:
        raise EvalError(f"{codec.name} decoded {image.name} to {decoded.shape} {decoded.dtype}, "
                        f"expected {reference.shape} uint8")
    psnr_y, psnr_yuv = psnr_y_and_yuv(reference, decoded)
    return ImageResult(
        codec=codec.name, image=image.stem, setting=setting, bytes=stream.stat().st_size,
        bpp=bits_per_pixel(stream.stat().st_size, width, height),
        psnr_rgb=psnr_rgb(reference, decoded), psnr_y=psnr_y, psnr_yuv=psnr_yuv,
        ms_ssim=ms_ssim_rgb(reference, decoded),
        encode_s=encode_s, decode_s=decode_s,
        lpips=lpips(reference, decoded) if lpips is not None else math.nan,
    )


_WORKER_CODECS: dict[str, Codec] = {}
_WORKER_LPIPS: dict[Path, Lpips] = {}


def lpips_model(folder: Path | None, cache: dict[Path, Lpips]) -> Lpips | None:
    """The LPIPS network of a weights folder, built once per process; None without a folder."""
    if folder is None:
        return None
    if folder not in cache:
        cache[folder] = Lpips(folder)
    return cache[folder]


def _single_threaded_worker() -> None:
    import torch

    torch.set_num_threads(1)


def _run_in_worker(job: Job) -> ImageResult:
    codec = ready_codec(job.codec, _WORKER_CODECS, get_codec)
    return code_image(codec, job.setting, job.image, job.stream, lpips_model(job.lpips, _WORKER_LPIPS))


def plan_jobs(codecs: list[Codec], images: list[Path], out: Path, lpips: Path | None = None) -> list[Job]:
    """Every (codec, setting, image) combination, in sweep order."""
    digests = {image: file_digest(image) for image in images}
    metrics = "+lpips" if lpips is not None else ""  # results with LPIPS are cached apart
    return [
        Job(codec.name, setting, image,
            out / STREAM_FOLDER / codec.name / str(setting) / f"{image.stem}{codec.suffix}",
            cache_key(codec.setting_identity(setting) + metrics, setting, digests[image]), lpips)
        for codec in codecs for setting in codec.settings for image in images
    ]


def run_codecs(codecs: list[Codec], images: list[Path], out: Path, jobs: int = 1,
               progress: bool = True, lpips: Path | None = None,
               reuse_without_streams: bool = False) -> dict[str, list[ImageResult]]:
    """Run every codec over ``images`` (reusing cached results); per-codec records, in sweep order.

    ``jobs > 1`` needs codecs that ``get_codec`` can rebuild by name in a fresh process.
    ``lpips``: a folder of LPIPS weights (see ``perceptual``) to measure LPIPS too.
    A cached result is computed again when its stream file is gone from ``out``, unless
    ``reuse_without_streams`` (for results kept without their streams).
    """
    planned = plan_jobs(codecs, images, out, lpips)
    by_name = {codec.name: codec for codec in codecs}
    ready: dict[str, Codec] = {}
    networks: dict[Path, Lpips] = {}

    def run_here(job: Job) -> ImageResult:
        return code_image(ready_codec(job.codec, ready, by_name.__getitem__), job.setting, job.image,
                          job.stream, lpips_model(job.lpips, networks))

    results = run_cached(planned, ResultCache(out / CACHE_FOLDER), run_here, run_in_worker=_run_in_worker,
                         workers=jobs, worker_initializer=_single_threaded_worker,
                         still_valid=lambda job: reuse_without_streams or job.stream.exists(),
                         progress=progress, unit="img")
    return {codec.name: [results[job] for job in planned if job.codec == codec.name] for codec in codecs}


def write_results(codec: Codec, records: list[ImageResult], out: Path, image_count: int,
                  peak_memory_mib: float | None = None) -> dict:
    """Write ``<codec>.json`` (summary) and ``<codec>.per_image.json`` into ``out``; the summary."""
    description = (f"{codec.description()}; {image_count} images; bpp from the stream file sizes, "
                   "metrics on the decoded pixels")
    summary = summarise(records, codec.name, description)
    if peak_memory_mib is not None:
        summary["peak_memory_mib"] = peak_memory_mib
    write_json(out / f"{codec.name}.json", summary)
    write_per_image(out / f"{codec.name}{PER_IMAGE_SUFFIX}", records)
    return summary


def default_jobs() -> int:
    """One worker per CPU core."""
    return os.cpu_count() or 1
