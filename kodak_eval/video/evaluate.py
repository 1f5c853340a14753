"""The ``video`` command's work: check the options, run every job (cached), then write
``<codec>.json`` per codec, ``report.md``, and per clip ``rd_<clip>.png`` and ``frames_<clip>.png``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kodak_eval.errors import EvalError
from kodak_eval.results import write_json
from kodak_eval.video.base import INFINITE_INTRA_PERIOD, VideoCodec
from kodak_eval.video.clips import find_clips
from kodak_eval.video.plots import plot_clip_frames, plot_clip_rd
from kodak_eval.video.registry import CodecSpec, check_names, make_codec
from kodak_eval.video.report import RunFacts, report_markdown
from kodak_eval.video.results import ClipResult, codec_document
from kodak_eval.video.runner import plan_jobs, run_jobs

REPORT_FILE = "report.md"


@dataclass(frozen=True)
class VideoOptions:
    """What ``python -m kodak_eval video`` was asked to do."""

    clips: Path  # folder of .y4m files
    out: Path
    codecs: tuple[str, ...]
    intra_period: int  # -1: only the first frame intra
    frames: int | None  # limit per clip
    qualities: tuple[int, ...]  # nvc's
    model: str  # nvc's intra model
    workers: int
    progress: bool = True


def threads_per_job(workers: int) -> int:
    """The cores shared out between ``workers`` jobs running at once (at least 1 each)."""
    return max(1, (os.cpu_count() or 1) // workers)


def check_intra_period(intra_period: int) -> None:
    """EvalError unless the intra period is 1 or more, or -1."""
    if intra_period < 1 and intra_period != INFINITE_INTRA_PERIOD:
        raise EvalError(f"--intra-period must be 1 or more, or -1 for a single intra frame, not {intra_period}")


def middle_setting_records(codec: VideoCodec, records: list[ClipResult]) -> list[ClipResult]:
    """The records of ``codec``'s middle setting (one per clip), for the per-frame plots."""
    middle = codec.settings[len(codec.settings) // 2]
    return [record for record in records if record.setting == middle]


def evaluate(options: VideoOptions) -> Path:
    """Run the evaluation and write every output into ``options.out``; the report's path."""
    check_intra_period(options.intra_period)
    check_names(list(options.codecs))
    clips = find_clips(options.clips)
    threads = threads_per_job(options.workers)
    specs = [CodecSpec(name, options.model, options.qualities, threads) for name in dict.fromkeys(options.codecs)]
    codecs = [make_codec(spec) for spec in specs]  # bad models or qualities fail before any work
    jobs = plan_jobs(specs, clips, options.intra_period, options.frames)
    results = run_jobs(jobs, options.out, options.workers, options.progress)
    documents, records = [], {}
    for codec in codecs:
        records[codec.name] = [results[job] for job in jobs if job.spec.name == codec.name]
        description = f"{codec.description()}; {codec.rate_control} {', '.join(map(str, codec.settings))}"
        documents.append(codec_document(codec.name, description, records[codec.name]))
        write_json(options.out / f"{codec.name}.json", documents[-1])
    facts = RunFacts(options.intra_period, options.frames, threads, options.workers)
    report = options.out / REPORT_FILE
    report.write_text(report_markdown(documents, facts))
    for clip in (path.stem for path in clips):
        plot_clip_rd([doc["clips"][clip] for doc in documents], clip, options.out / f"rd_{clip}.png")
        middle = [record for codec in codecs for record in middle_setting_records(codec, records[codec.name])
                  if record.clip == clip]
        plot_clip_frames(middle, clip, options.out / f"frames_{clip}.png")
    return report
