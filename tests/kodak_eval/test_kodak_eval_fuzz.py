"""``python -m kodak_eval fuzz``: a short run counts every mutant, its workers report
exceptions, hangs and memory as failures, and failures are saved as reproducers."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from bitstream.mutation import Mutant, mutate
from kodak_eval.cli import main
from kodak_eval.fuzz.campaign import replay
from kodak_eval.fuzz.corpus import fuzz_models, make_seeds, register_fuzz_models
from kodak_eval.fuzz.report import Tally
from kodak_eval.fuzz.runner import HANG, MEMORY, Job, Result, Worker
from nvc import registry


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-models")
    register_fuzz_models(folder)
    yield folder
    for model in fuzz_models():
        registry._MODELS.pop(model.name, None)


@pytest.fixture(scope="module")
def seeds(models):
    return make_seeds(shipped=False)


def test_a_short_run_counts_every_mutant_and_writes_its_report(tmp_path):
    out = tmp_path / "fuzz"
    result = CliRunner().invoke(main, ["fuzz", "--mutants", "77", "--out", str(out), "--no-shipped"])
    assert result.exit_code == 0, result.output
    counts = json.loads((out / "counts.json").read_text())
    assert counts["mutants"] == 77 and counts["failures"] == 0
    assert [sum(row.values()) for row in counts["by_seed"].values()] == [11] * 7  # 7 seeds x 11 kinds
    assert [sum(row.values()) for row in counts["by_kind"].values()] == [7] * 11
    report = (out / "report.md").read_text()
    assert "| **all** |" in report and "77 mutants" in report and "fuzz --mutants 77" in report
    assert sorted(path.stem for path in (out / "seeds").iterdir()) == sorted(seed.name for seed in make_seeds(False))


def test_workers_report_exceptions_hangs_and_memory(models, seeds):
    image = next(seed for seed in seeds if seed.name == "hyperprior")
    job = Job(0, image, mutate(image.data, random.Random(0), "drop"))
    worker = Worker(models, [image], timeout=120, memory_mib=1024)
    try:
        worker.submit(Job(1, image, Mutant("drop", "data that is not bytes", None)))
        assert worker.collect().outcome == "exception TypeError"
        worker.submit(job)
        assert worker.collect().outcome == "format error"
        worker.submit(job)
        assert worker.hang().outcome == HANG  # as if its deadline had passed; a fresh worker follows
        worker._memory_mib = -1
        worker.submit(job)
        assert worker.collect().outcome == MEMORY
    finally:
        worker.close()


def test_failures_are_saved_and_replayed(tmp_path, models, seeds):
    image = next(seed for seed in seeds if seed.name == "hyperprior")
    tally = Tally(tmp_path)
    mutant = mutate(image.data, random.Random(0), "bit-flip")
    tally.record(Result(Job(7, image, mutant), "exception ValueError", "Traceback ..."))
    tally.record(Result(Job(8, image, mutant), "format error"))
    saved = json.loads((tmp_path / "failures.jsonl").read_text())
    assert saved["number"] == 7 and saved["outcome"] == "exception ValueError" and saved["mode"] == "image"
    assert (tmp_path / "failures" / "0000007-hyperprior-bit-flip.nvc").read_bytes() == mutant.data
    assert tally.total == 2 and "0000007-hyperprior-bit-flip.nvc" in tally.markdown(
        {"command": "c", "date": "d", "machine": "m", "mutants": 2, "seconds": 1.0, "failures": 1})
    assert replay(tmp_path / "failures" / "0000007-hyperprior-bit-flip.nvc", "image", models) in (
        "decoded", "format error", "model mismatch")
