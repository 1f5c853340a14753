"""Counting a fuzzing run's outcomes and writing them out: ``report.md`` (command, date,
machine, counts per mutation kind and per seed, failures), ``counts.json``, and for each
failure its mutant as a reproducer file with a line in ``failures.jsonl``."""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from pathlib import Path

from kodak_eval.fuzz.oracle import PASSES
from kodak_eval.fuzz.runner import Result

FAILURES_SHOWN = 20  # failures listed in report.md (all are in failures.jsonl)


def machine() -> str:
    """The machine in one line: CPU model, cores, OS, Python and torch versions."""
    import torch

    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
              if line.startswith("model name")] if cpuinfo.exists() else []
    cpu = models[0] if models else platform.processor() or "unknown CPU"
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, torch {torch.__version__}")


class Tally:
    """The outcomes so far, by mutation kind and by seed; failures saved under ``out``."""

    def __init__(self, out: Path):
        self.out = out
        self.by_kind: Counter[tuple[str, str]] = Counter()
        self.by_seed: Counter[tuple[str, str]] = Counter()
        self.failures: list[dict] = []
        (out / "failures").mkdir(parents=True, exist_ok=True)
        (out / "failures.jsonl").write_text("")

    @property
    def total(self) -> int:
        """Mutants counted."""
        return sum(self.by_kind.values())

    def record(self, result: Result) -> None:
        """Count a result; save a failure's mutant and describe it in failures.jsonl."""
        job = result.job
        self.by_kind[job.mutant.kind, result.outcome] += 1
        self.by_seed[job.seed.name, result.outcome] += 1
        if result.outcome in PASSES:
            return
        path = self.out / "failures" / f"{job.number:07d}-{job.seed.name}-{job.mutant.kind}.nvc"
        path.write_bytes(job.mutant.data)
        failure = {"number": job.number, "seed": job.seed.name, "mode": job.seed.mode, "kind": job.mutant.kind,
                   "detail": job.mutant.detail, "outcome": result.outcome, "file": str(path), "trace": result.trace}
        self.failures.append(failure)
        with open(self.out / "failures.jsonl", "a") as handle:
            handle.write(json.dumps(failure) + "\n")

    def write(self, command: str, date: str, seconds: float) -> Path:
        """Write counts.json and report.md; return the report's path."""
        counts = {"command": command, "date": date, "machine": machine(), "seconds": round(seconds, 1),
                  "mutants": self.total, "failures": len(self.failures),
                  "by_kind": _nested(self.by_kind), "by_seed": _nested(self.by_seed)}
        (self.out / "counts.json").write_text(json.dumps(counts, indent=2) + "\n")
        report = self.out / "report.md"
        report.write_text(self.markdown(counts))
        return report

    def markdown(self, counts: dict) -> str:
        """The report: the run, then outcome tables by kind and by seed, then failures."""
        lines = [
            "# Structure-aware fuzzing of nvc's decoders", "",
            f"- command: `{counts['command']}`", f"- date: {counts['date']}", f"- machine: {counts['machine']}",
            f"- {counts['mutants']} mutants in {counts['seconds']:.0f} s "
            f"({counts['mutants'] / max(counts['seconds'], 1e-9):.1f}/s), {counts['failures']} failures", "",
            *_table("mutation kind", self.by_kind), "", *_table("seed stream", self.by_seed), "",
        ]
        if self.failures:
            lines += ["## Failures", ""]
            lines += [f"- `{f['file']}`: {f['seed']}, {f['kind']} ({f['detail']}): {f['outcome']}"
                      for f in self.failures[:FAILURES_SHOWN]]
            if len(self.failures) > FAILURES_SHOWN:
                lines.append(f"- ... {len(self.failures) - FAILURES_SHOWN} more in failures.jsonl")
        return "\n".join(lines) + "\n"


def _nested(counts: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    nested: dict[str, dict[str, int]] = {}
    for (row, outcome), count in sorted(counts.items()):
        nested.setdefault(row, {})[outcome] = count
    return nested


def _table(label: str, counts: Counter[tuple[str, str]]) -> list[str]:
    """A markdown table: one row per ``label`` value, one column per outcome, and totals."""
    outcomes = [o for o in PASSES if any(k[1] == o for k in counts)]
    outcomes += sorted({outcome for _, outcome in counts} - set(PASSES))
    rows = sorted({row for row, _ in counts})
    lines = [f"| {label} | " + " | ".join(outcomes) + " | total |", "|---" * (len(outcomes) + 2) + "|"]
    for row in rows:
        cells = [counts[row, outcome] for outcome in outcomes]
        lines.append(f"| {row} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    totals = [sum(counts[row, outcome] for row in rows) for outcome in outcomes]
    lines.append("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return lines
