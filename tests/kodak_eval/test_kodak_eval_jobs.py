"""kodak_eval.jobs: cached results are reused, vetoed ones recomputed, failures named."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kodak_eval.cache import ResultCache
from kodak_eval.errors import EvalError
from kodak_eval.jobs import run_cached


@dataclass(frozen=True)
class Square:
    """A job: square a number."""

    number: int

    @property
    def cache_name(self) -> str:
        return "square"

    @property
    def key(self) -> str:
        return str(self.number)

    @property
    def label(self) -> str:
        return f"square of {self.number}"


@dataclass(frozen=True)
class Value:
    """A cached result."""

    value: int

    @classmethod
    def from_dict(cls, values: dict) -> Value:
        return cls(**values)


def counting_square(calls: list[int]):
    def run(job: Square) -> Value:
        calls.append(job.number)
        return Value(job.number**2)

    return run


def test_results_come_in_job_order_and_a_rerun_reads_the_cache(tmp_path):
    jobs = [Square(3), Square(1), Square(2)]
    calls: list[int] = []
    cache = ResultCache(tmp_path, Value)
    first = run_cached(jobs, cache, counting_square(calls), progress=False)
    again = run_cached(jobs + [Square(4)], cache, counting_square(calls), progress=False)
    assert list(first.values()) == [Value(9), Value(1), Value(4)]
    assert list(again.values()) == [Value(9), Value(1), Value(4), Value(16)]
    assert calls == [3, 1, 2, 4]


def test_a_vetoed_cached_result_is_computed_again(tmp_path):
    calls: list[int] = []
    cache = ResultCache(tmp_path, Value)
    run_cached([Square(5), Square(6)], cache, counting_square(calls), progress=False)
    run_cached([Square(5), Square(6)], cache, counting_square(calls), still_valid=lambda job: job.number != 6,
               progress=False)
    assert calls == [5, 6, 6]


def test_a_library_failure_becomes_an_eval_error_naming_the_job(tmp_path):
    def broken(job: Square) -> Value:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(EvalError, match="square of 7 failed: division by zero"):
        run_cached([Square(7)], ResultCache(tmp_path, Value), broken, progress=False)


def test_an_eval_error_passes_through_unchanged(tmp_path):
    def refused(job: Square) -> Value:
        raise EvalError("cannot read image x.png")

    with pytest.raises(EvalError, match="^cannot read image x.png$"):
        run_cached([Square(7)], ResultCache(tmp_path, Value), refused, progress=False)
