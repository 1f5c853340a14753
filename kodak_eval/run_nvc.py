"""The nvc side of the evaluation: code every image at every quality through nvc's public API."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from tqdm import tqdm

import nvc
from kodak_eval.errors import EvalError
from kodak_eval.metrics import bits_per_pixel, psnr_rgb
from kodak_eval.results import ImageResult, summarise, write_json, write_per_image
from nvc.codec import load_model
from nvc.registry import get_model_entry

PER_IMAGE_FILE = "per_image.json"


def model_qualities(model: str) -> list[int]:
    """All quality levels of a registered nvc model (CodecError if it is unknown)."""
    return list(get_model_entry(model).qualities)


def load_nvc_model(model: str) -> None:
    """Load the model's weights now (CodecError if unknown or missing), so that failures come
    before any coding and the first image's encode time does not include loading."""
    load_model(model)


def parse_qualities(text: str | None, model: str) -> list[int]:
    """Qualities from "1,2,3" (all of the model's levels when None), checked against the model."""
    available = model_qualities(model)
    if text is None:
        return available
    try:
        qualities = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise EvalError(f"--qualities must be comma-separated integers, got '{text}'") from None
    bad = [quality for quality in qualities if quality not in available]
    if bad or not qualities:
        raise EvalError(f"model '{model}' has quality levels {available[0]}..{available[-1]}, got '{text}'")
    return qualities


def summary_name(model: str) -> str:
    """Name of nvc's curve for ``model``; also the stem of its summary JSON."""
    return f"nvc-{model}"


def code_image(path: Path, quality: int, model: str, out: Path) -> ImageResult:
    """Encode one image to out/streams/q{N}/<stem>.nvc, decode it to out/decoded/q{N}/<stem>.png, measure."""
    image = Image.open(path)
    image.load()
    reference = np.asarray(image.convert("RGB"))
    stream = out / "streams" / f"q{quality}" / f"{path.stem}.nvc"
    decoded = out / "decoded" / f"q{quality}" / f"{path.stem}.png"
    stream.parent.mkdir(parents=True, exist_ok=True)
    decoded.parent.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    data = nvc.encode(image, quality, model)
    encode_s = time.perf_counter() - start
    stream.write_bytes(data)

    data = stream.read_bytes()
    start = time.perf_counter()
    pixels = nvc.decode(data)
    decode_s = time.perf_counter() - start
    Image.fromarray(pixels).save(decoded)

    with Image.open(decoded) as reread:
        decoded_pixels = np.asarray(reread.convert("RGB"))
    size = stream.stat().st_size
    return ImageResult(
        image=path.stem,
        quality=quality,
        bytes=size,
        bpp=bits_per_pixel(size, image.width, image.height),
        psnr_rgb=psnr_rgb(reference, decoded_pixels),
        encode_s=encode_s,
        decode_s=decode_s,
    )


def run_nvc(images: list[Path], model: str, qualities: list[int], out: Path, progress: bool = True) -> list[ImageResult]:
    """Code every image at every quality (quality-major order) with a tqdm progress bar."""
    records = []
    with tqdm(total=len(images) * len(qualities), desc=f"nvc {model}", unit="img", disable=not progress) as bar:
        for quality in qualities:
            for path in images:
                bar.set_postfix_str(f"q{quality} {path.stem}")
                records.append(code_image(path, quality, model, out))
                bar.update()
    return records


def evaluate_nvc(images: list[Path], model: str, qualities: list[int], out: Path, progress: bool = True) -> dict[str, Any]:
    """Run nvc on all images, write per_image.json and nvc-<model>.json into ``out``; the summary."""
    load_nvc_model(model)
    records = run_nvc(images, model, qualities, out, progress)
    entry = get_model_entry(model)
    description = (f"nvc model '{model}' v{entry.version} (weights {entry.sha256[:12]}): {entry.description}; "
                   f"{len(images)} images, bpp from .nvc file sizes, PSNR-RGB on decoded PNGs")
    summary = summarise(records, summary_name(model), description)
    write_per_image(out / PER_IMAGE_FILE, records)
    write_json(out / f"{summary_name(model)}.json", summary)
    return summary
