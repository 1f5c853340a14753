"""Run codecs over clips: every (codec, clip, setting) once, cached, in worker processes if asked.

A job encodes a whole clip (timed), reads each frame's bits from the payload, decodes it
(timed) and scores every decoded frame against the source (``quality``). Results are
cached per codec identity, intra period, frame limit, setting and clip file digest, so a
rerun after changing one codec only redoes that codec. With ``workers > 1`` jobs run in
that many spawned processes; each codec then uses its spec's thread count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kodak_eval.cache import ResultCache, cache_key, file_digest
from kodak_eval.errors import EvalError
from kodak_eval.jobs import ready_codec, run_cached
from kodak_eval.video.base import VideoCodec
from kodak_eval.video.clips import Clip, read_clip
from kodak_eval.video.quality import frame_quality
from kodak_eval.video.registry import CodecSpec, make_codec
from kodak_eval.video.results import ClipResult, Measurement, clip_result
from kodak_eval.video.yuv import rgb_to_yuv420, yuv420_to_rgb

CACHE_FOLDER = "cache"
CLIPS_KEPT = 2  # clips held in memory per process (jobs come grouped by codec, then clip)


@dataclass(frozen=True)
class VideoJob:
    """One clip to code with one codec at one setting and intra period."""

    spec: CodecSpec
    clip: Path
    setting: int
    intra_period: int  # as the codec codes it
    frames: int | None  # limit on frames read, None for all
    key: str  # cache key

    @property
    def cache_name(self) -> str:
        """Results are cached per codec."""
        return self.spec.name

    @property
    def label(self) -> str:
        """Codec, setting and clip, for progress and errors."""
        return f"{self.spec.name} at setting {self.setting} on {self.clip.name}"


@lru_cache(maxsize=CLIPS_KEPT)
def load_clip(path: Path, limit: int | None) -> Clip:
    """``clips.read_clip``, remembered for the next jobs on the same clip."""
    return read_clip(path, limit)


def measure(codec: VideoCodec, clip: Clip, setting: int, intra_period: int) -> Measurement:
    """Encode and decode ``clip`` with ``codec``; per-frame bits and qualities, wall times."""
    sources_rgb = clip.rgb  # converted before the clock starts
    start = time.perf_counter()
    payload = codec.encode(clip, setting, intra_period)
    encode_s = time.perf_counter() - start
    sizes = codec.frame_sizes(payload)
    start = time.perf_counter()
    decoded = codec.decode(payload)
    decode_s = time.perf_counter() - start
    if not len(decoded) == len(sizes.bits) == len(clip.frames):
        raise EvalError(f"{codec.name} coded {len(sizes.bits)} and decoded {len(decoded)} of "
                        f"{len(clip.frames)} frames of {clip.name}")
    if codec.output == "rgb":
        decoded_rgb, decoded_planes = decoded, [rgb_to_yuv420(rgb) for rgb in decoded]
    else:
        decoded_rgb, decoded_planes = [yuv420_to_rgb(planes) for planes in decoded], decoded
    qualities = [frame_quality(*frame) for frame in zip(clip.frames, sources_rgb, decoded_planes, decoded_rgb)]
    return Measurement(sizes, qualities, encode_s, decode_s)


_CODECS: dict[CodecSpec, VideoCodec] = {}  # built and loaded once per process


def run_job(job: VideoJob) -> ClipResult:
    """Run one job in this process."""
    codec = ready_codec(job.spec, _CODECS, make_codec)
    clip = load_clip(job.clip, job.frames)
    measured = measure(codec, clip, job.setting, job.intra_period)
    return clip_result(codec.name, clip.name, job.setting, job.intra_period, (clip.height, clip.width),
                       float(clip.fps), job.spec.threads, measured)


def plan_jobs(specs: list[CodecSpec], clips: list[Path], intra_period: int, frames: int | None) -> list[VideoJob]:
    """Every (codec, clip, setting) combination, by codec, then clip, then setting."""
    digests = {clip: file_digest(clip) for clip in clips}
    jobs = []
    for spec in specs:
        codec = make_codec(spec)
        period = codec.coded_intra_period(intra_period)
        identity = f"{codec.identity}\nintra period {period}\nframes {frames or 'all'}"
        jobs += [VideoJob(spec, clip, setting, period, frames, cache_key(identity, setting, digests[clip]))
                 for clip in clips for setting in codec.settings]
    return jobs


def run_jobs(jobs: list[VideoJob], out: Path, workers: int = 1, progress: bool = True) -> dict[VideoJob, ClipResult]:
    """The result of every job, from the cache in ``out`` where possible; new results are cached."""
    return run_cached(jobs, ResultCache(out / CACHE_FOLDER, ClipResult), run_job, workers=workers,
                      progress=progress, unit="clip")
