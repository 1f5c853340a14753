"""Per-image results, their CompressAI-format summary, and reading and writing both.

A summary is ``{"name", "description", "results": {metric: [one value per setting]}}``
(CompressAI's format, so its plotting tool reads it) plus ``settings``, ``images`` (how many
were coded) and, when measured, ``peak_memory_mib``. Rates and quality metrics are means over images, as CompressAI
averages them; times are medians over images.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any

from kodak_eval.errors import EvalError

# Summary metric key -> ImageResult field, and how images are pooled.
MEAN_METRICS = {"bpp": "bpp", "psnr-rgb": "psnr_rgb", "ms-ssim-rgb": "ms_ssim", "psnr-y": "psnr_y",
                "psnr-yuv": "psnr_yuv", "lpips": "lpips"}
OPTIONAL_METRICS = {"lpips"}  # left out of a summary when no image has a value
MEDIAN_METRICS = {"encoding_time": "encode_s", "decoding_time": "decode_s"}
PER_IMAGE_SUFFIX = ".per_image.json"


@dataclass(frozen=True)
class ImageResult:
    """One image coded by one codec at one setting."""

    codec: str
    image: str  # file stem, e.g. "kodim01"
    setting: int
    bytes: int  # size of the stream file
    bpp: float  # 8 * bytes / (W * H)
    psnr_rgb: float
    psnr_y: float
    psnr_yuv: float
    ms_ssim: float  # NaN for images too small for MS-SSIM
    encode_s: float  # wall time of one encode call
    decode_s: float  # wall time of one decode call
    lpips: float = math.nan  # only with --lpips (local weights)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ImageResult:
        """Inverse of ``dataclasses.asdict``; ValueError on unknown keys or missing required ones."""
        return record_from_dict(cls, values)


def record_from_dict(record: type, values: dict[str, Any]) -> Any:
    """A ``record`` dataclass from ``dataclasses.asdict`` output; ValueError on unknown keys or
    missing required ones."""
    names = {field.name for field in fields(record)}
    required = {field.name for field in fields(record) if field.default is MISSING}
    if not required <= set(values) <= names:
        raise ValueError(f"{record.__name__} keys {sorted(values)} are not {sorted(names)}")
    return record(**values)


def _pool(values: list[float], how) -> float:
    finite = [value for value in values if not math.isnan(value)]
    return how(finite) if finite else math.nan


def summarise(records: list[ImageResult], name: str, description: str) -> dict[str, Any]:
    """The CompressAI-format summary of ``records``, one point per setting in sweep order."""
    settings = list(dict.fromkeys(record.setting for record in records))
    results: dict[str, list[float]] = {key: [] for key in (*MEAN_METRICS, *MEDIAN_METRICS)}
    for setting in settings:
        group = [record for record in records if record.setting == setting]
        for key, attribute in MEAN_METRICS.items():
            results[key].append(_pool([getattr(r, attribute) for r in group], statistics.fmean))
        for key, attribute in MEDIAN_METRICS.items():
            results[key].append(_pool([getattr(r, attribute) for r in group], statistics.median))
    for key in OPTIONAL_METRICS:
        if all(math.isnan(value) for value in results[key]):
            del results[key]
    images = len({record.image for record in records})
    return {"name": name, "description": description, "results": results, "settings": settings, "images": images}


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, creating the parent folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def read_json(path: Path) -> Any:
    """Parsed JSON of ``path``; EvalError naming the file when it is missing or malformed."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise EvalError(f"cannot read results file {path}: {error}") from None


def write_per_image(path: Path, records: list[ImageResult]) -> None:
    """Write the per-image records as a JSON list of objects."""
    write_json(path, [asdict(record) for record in records])


def read_per_image(path: Path) -> list[ImageResult]:
    """Per-image records written by ``write_per_image``; EvalError if the file is not one."""
    data = read_json(path)
    try:
        return [ImageResult.from_dict(values) for values in data]
    except (TypeError, ValueError) as error:
        raise EvalError(f"{path} is not a per-image results file: {error}") from None
