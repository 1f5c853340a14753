"""Per-image results and the CompressAI results format (codec independent)."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ImageResult:
    """One image coded at one quality level."""

    image: str  # file stem, e.g. "kodim01"
    quality: int
    bytes: int  # size of the stream file
    bpp: float  # 8 * bytes / (W * H)
    psnr_rgb: float  # dB, on the decoded PNG re-read from disk
    encode_s: float  # wall time of the encode call
    decode_s: float  # wall time of the decode call


def summarise(records: list[ImageResult], name: str, description: str) -> dict[str, Any]:
    """A CompressAI-format summary, one point per quality level in increasing order.

    bpp and psnr-rgb are means over images; encoding_time and decoding_time are medians.
    """
    qualities = sorted({record.quality for record in records})
    results: dict[str, list[float]] = {"bpp": [], "psnr-rgb": [], "encoding_time": [], "decoding_time": []}
    for quality in qualities:
        group = [record for record in records if record.quality == quality]
        results["bpp"].append(statistics.fmean(record.bpp for record in group))
        results["psnr-rgb"].append(statistics.fmean(record.psnr_rgb for record in group))
        results["encoding_time"].append(statistics.median(record.encode_s for record in group))
        results["decoding_time"].append(statistics.median(record.decode_s for record in group))
    return {"name": name, "description": description, "results": results}


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, creating the parent folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def write_per_image(path: Path, records: list[ImageResult]) -> None:
    """Write the per-image records as a JSON list of objects."""
    write_json(path, [asdict(record) for record in records])
