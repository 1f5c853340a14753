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
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from kodak_eval.cache import ResultCache, cache_key, file_digest
from kodak_eval.codecs import get_codec
from kodak_eval.codecs.base import Codec
from kodak_eval.errors import EvalError
from kodak_eval.metrics import bits_per_pixel, ms_ssim_rgb, psnr_rgb, psnr_y, psnr_yuv
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
    return ImageResult(
        codec=codec.name, image=image.stem, setting=setting, bytes=stream.stat().st_size,
        bpp=bits_per_pixel(stream.stat().st_size, width, height),
        psnr_rgb=psnr_rgb(reference, decoded), psnr_y=psnr_y(reference, decoded),
        psnr_yuv=psnr_yuv(reference, decoded), ms_ssim=ms_ssim_rgb(reference, decoded),
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
    if job.codec not in _WORKER_CODECS:
        codec = get_codec(job.codec)
        codec.load()
        _WORKER_CODECS[job.codec] = codec
    return code_image(_WORKER_CODECS[job.codec], job.setting, job.image, job.stream,
                      lpips_model(job.lpips, _WORKER_LPIPS))


def plan_jobs(codecs: list[Codec], images: list[Path], out: Path, lpips: Path | None = None) -> list[Job]:
    """Every (codec, setting, image) combination, in sweep order."""
    digests = {image: file_digest(image) for image in images}
    metrics = "+lpips" if lpips is not None else ""  # results with LPIPS are cached apart
    return [
        Job(codec.name, setting, image,
            out / STREAM_FOLDER / codec.name / str(setting) / f"{image.stem}{codec.suffix}",
            cache_key(codec.identity + metrics, setting, digests[image]), lpips)
        for codec in codecs for setting in codec.settings for image in images
    ]


def _execute(jobs: list[Job], codecs: dict[str, Codec], workers: int, on_done) -> None:
    def failed(job: Job, error: Exception) -> EvalError:
        return EvalError(f"{job.codec} failed on {job.image.name} at setting {job.setting}: {error}")

    if workers <= 1:
        for codec in {job.codec for job in jobs}:
            codecs[codec].load()
        networks: dict[Path, Lpips] = {}
        for job in jobs:
            try:
                result = code_image(codecs[job.codec], job.setting, job.image, job.stream,
                                    lpips_model(job.lpips, networks))
                on_done(job, result)
            except EvalError:
                raise
            except Exception as error:  # a codec library failing on one image
                raise failed(job, error) from error
        return
    context = get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_single_threaded_worker) as pool:
        futures = {pool.submit(_run_in_worker, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                on_done(job, future.result())
            except EvalError:
                raise
            except Exception as error:
                raise failed(job, error) from error


def run_codecs(codecs: list[Codec], images: list[Path], out: Path, jobs: int = 1,
               progress: bool = True, lpips: Path | None = None) -> dict[str, list[ImageResult]]:
    """Run every codec over ``images`` (reusing cached results); per-codec records, in sweep order.

    ``jobs > 1`` needs codecs that ``get_codec`` can rebuild by name in a fresh process.
    ``lpips``: a folder of LPIPS weights (see ``perceptual``) to measure LPIPS too.
    """
    planned = plan_jobs(codecs, images, out, lpips)
    cache = ResultCache(out / CACHE_FOLDER)
    results: dict[Job, ImageResult] = {}
    for job in planned:
        cached = cache.get(job.codec, job.key)
        if cached is not None and job.stream.exists():
            results[job] = cached
    pending = [job for job in planned if job not in results]
    with tqdm(total=len(planned), initial=len(results), desc="coding", unit="img", disable=not progress) as bar:
        def done(job: Job, result: ImageResult) -> None:
            cache.put(job.codec, job.key, result)
            results[job] = result
            bar.set_postfix_str(f"{job.codec} {job.setting} {job.image.stem}")
            bar.update()

        _execute(pending, {codec.name: codec for codec in codecs}, min(jobs, len(pending)), done)
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
