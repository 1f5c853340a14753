"""One clip coded at one setting (``ClipResult``, with per-frame values) and the per-codec results file.

A codec's file ``<codec>.json`` holds, per clip, a summary in CompressAI's format
(``{"name", "results": {"bpp": [...], "psnr-yuv": [...], ...}, "settings": [...]}``, so that
``kodak_eval.bdrate.Curve`` reads it) and every point with its per-frame values. bpp is a
clip's total bits over (W * H * frames); PSNRs are means over frames of per-frame PSNRs.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any

from kodak_eval.results import record_from_dict
from kodak_eval.video.base import FrameSizes
from kodak_eval.video.quality import FrameQuality

# summary key -> ClipResult attribute
SUMMARY_METRICS = {"bpp": "bpp", "psnr-y": "psnr_y", "psnr-u": "psnr_u", "psnr-v": "psnr_v",
                   "psnr-yuv": "psnr_yuv", "psnr-rgb": "psnr_rgb", "encoding_fps": "encode_fps",
                   "decoding_fps": "decode_fps"}
PLANES = ("y", "u", "v", "yuv", "rgb")


@dataclass(frozen=True)
class ClipResult:
    """One clip coded by one codec at one setting and intra period, measured frame by frame."""

    codec: str
    clip: str  # file stem
    setting: int
    intra_period: int  # as coded (nvc-intra: 1)
    width: int
    height: int
    fps: float  # the clip's frame rate (for reference; rates here are per pixel, not per second)
    threads: int
    total_bits: int
    bpp: float
    psnr_y: float
    psnr_u: float
    psnr_v: float
    psnr_yuv: float
    psnr_rgb: float
    encode_s: float  # wall time of coding the whole clip
    decode_s: float
    frame_bits: list[int]
    frame_types: list[str]  # "I" or "P"
    frame_psnr_y: list[float]
    frame_psnr_u: list[float]
    frame_psnr_v: list[float]
    frame_psnr_yuv: list[float]
    frame_psnr_rgb: list[float]

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ClipResult:
        """Inverse of ``dataclasses.asdict``; ValueError on unknown or missing keys."""
        return record_from_dict(cls, values)

    @property
    def frames(self) -> int:
        """Number of frames coded."""
        return len(self.frame_bits)

    @property
    def encode_fps(self) -> float:
        """Frames encoded per second of wall time."""
        return self.frames / self.encode_s

    @property
    def decode_fps(self) -> float:
        """Frames decoded per second of wall time."""
        return self.frames / self.decode_s


@dataclass(frozen=True)
class Measurement:
    """What ``runner`` measured of one coded clip, before it becomes a ``ClipResult``."""

    sizes: FrameSizes
    qualities: list[FrameQuality]
    encode_s: float
    decode_s: float


def clip_result(codec: str, clip: str, setting: int, intra_period: int, shape: tuple[int, int], fps: float,
                threads: int, measured: Measurement) -> ClipResult:
    """Pool a measurement into a ``ClipResult``; ``shape`` is (height, width)."""
    height, width = shape
    frames = len(measured.qualities)
    per_frame = {plane: [getattr(quality, plane) for quality in measured.qualities] for plane in PLANES}
    return ClipResult(
        codec=codec, clip=clip, setting=setting, intra_period=intra_period, width=width, height=height, fps=fps,
        threads=threads, total_bits=measured.sizes.total_bits,
        bpp=measured.sizes.total_bits / (width * height * frames),
        **{f"psnr_{plane}": statistics.fmean(values) for plane, values in per_frame.items()},
        encode_s=measured.encode_s, decode_s=measured.decode_s,
        frame_bits=list(measured.sizes.bits), frame_types=list(measured.sizes.types),
        **{f"frame_psnr_{plane}": values for plane, values in per_frame.items()},
    )


def clip_summary(records: list[ClipResult], name: str) -> dict[str, Any]:
    """The CompressAI-format summary of one codec's records on one clip, by rate, with the
    clip's size, frame count and rate."""
    ordered = sorted(records, key=lambda record: record.bpp)
    first = ordered[0]
    return {"name": name, "width": first.width, "height": first.height, "frames": first.frames, "fps": first.fps,
            "intra_period": first.intra_period, "settings": [record.setting for record in ordered],
            "results": {key: [getattr(record, attribute) for record in ordered]
                        for key, attribute in SUMMARY_METRICS.items()}}


def codec_document(name: str, description: str, records: list[ClipResult]) -> dict[str, Any]:
    """The contents of ``<codec>.json``: summaries per clip and every point with its frames."""
    clips = list(dict.fromkeys(record.clip for record in records))
    return {"name": name, "description": description,
            "clips": {clip: clip_summary([r for r in records if r.clip == clip], name) for clip in clips},
            "points": [asdict(record) for record in records]}
