"""A fuzzing run from start to end (``python -m kodak_eval fuzz``), and the replay of one
saved mutant."""

from __future__ import annotations

import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from kodak_eval.fuzz.corpus import make_seeds, register_fuzz_models
from kodak_eval.fuzz.oracle import decode_outcome
from kodak_eval.fuzz.report import Tally
from kodak_eval.fuzz.runner import Result, Worker, make_jobs, run_jobs

REPORT_EVERY = 500  # mutants between rewrites of the report, so that a stopped run leaves one


def run_campaign(out: Path, mutants: int, jobs: int, base_seed: int, timeout: float, memory_mib: float,
                 shipped: bool, command: str) -> Tally:
    """Fuzz the decoders with ``mutants`` mutants on ``jobs`` worker processes; write the
    seeds, the fuzzing models, the report and every failure's reproducer under ``out``."""
    from tqdm import tqdm

    from bitstream import HEAD
    from nvc.registry import model_entries
    from nvc.video.chunks import PHDR

    models = out / "models"
    register_fuzz_models(models)
    seeds = make_seeds(shipped)
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (out / "seeds" / f"{seed.name}.nvc").write_bytes(seed.data)
    names = tuple(entry.name.encode() for entry in model_entries())
    tally = Tally(out)
    date, started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), time.monotonic()
    workers = [Worker(models, seeds, timeout, memory_mib) for _ in range(jobs)]
    with tqdm(total=mutants, desc="mutants", disable=None) as bar:

        def record(result: Result) -> None:
            tally.record(result)
            bar.update(1)
            bar.set_postfix(failures=len(tally.failures))
            if tally.total % REPORT_EVERY == 0:
                tally.write(command, date, time.monotonic() - started)

        try:
            run_jobs(make_jobs(seeds, mutants, base_seed, (HEAD, PHDR), names), workers, record)
        finally:
            for worker in workers:
                worker.close()
            tally.write(command, date, time.monotonic() - started)
    return tally


def replay(path: Path, mode: str, models: Path) -> str:
    """The outcome of decoding one saved mutant as ``mode`` (the fuzzing models read from
    ``models``), or the traceback of the exception it raised."""
    register_fuzz_models(models)
    try:
        return decode_outcome(path.read_bytes(), mode)
    except Exception:  # noqa: BLE001 - showing any exception is the point of a replay
        return traceback.format_exc()
