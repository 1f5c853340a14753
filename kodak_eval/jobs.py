"""Cached jobs: run every job whose result is not cached yet, here or in worker processes, with progress.

Both harnesses (images in ``kodak_eval.runner``, clips in ``kodak_eval.video.runner``)
plan their jobs, then hand them to ``run_cached``: it takes what the ``ResultCache``
already holds, runs the rest (serially, or in spawned worker processes), caches each
new result as it arrives and shows a progress bar. A failure other than ``EvalError``
(a codec library failing on one input) becomes an ``EvalError`` that names the job.
``ready_codec`` builds and loads each codec once per process, for either harness's jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any, Protocol, TypeVar

from tqdm import tqdm

from kodak_eval.cache import ResultCache
from kodak_eval.errors import EvalError


class CachedJob(Hashable, Protocol):
    """What ``run_cached`` needs of a job: where its result is cached and how to name it."""

    @property
    def cache_name(self) -> str:
        """The cache folder: the codec's name."""

    @property
    def key(self) -> str:
        """The cache key: codec identity, setting and input digest."""

    @property
    def label(self) -> str:
        """The progress bar's and error messages' name for the job: codec, setting and input."""


Job = TypeVar("Job", bound=CachedJob)
Key, Loadable = TypeVar("Key", bound=Hashable), TypeVar("Loadable")


def ready_codec(key: Key, ready: dict[Key, Loadable], build: Callable[[Key], Loadable]) -> Loadable:
    """The codec ``ready`` holds for ``key``; built by ``build`` and loaded (``load()``) the
    first time a process asks, so that no job's timing pays for loading weights."""
    if key not in ready:
        codec = build(key)
        codec.load()
        ready[key] = codec
    return ready[key]


def run_cached(jobs: Sequence[Job], cache: ResultCache, run_here: Callable[[Job], Any], *,
               run_in_worker: Callable[[Job], Any] | None = None, workers: int = 1,
               worker_initializer: Callable[[], None] | None = None,
               still_valid: Callable[[Job], bool] = lambda job: True,
               progress: bool = True, unit: str = "job") -> dict[Job, Any]:
    """The result of every job, in ``jobs`` order: from ``cache`` where it holds one, else computed.

    ``run_here`` computes a result in this process; with ``workers > 1``, ``run_in_worker``
    (a module-level function, default ``run_here``) does in each spawned worker, after
    ``worker_initializer``. ``still_valid`` can veto a cached result (its stream file is gone).
    """
    results: dict[Job, Any] = {}
    for job in jobs:
        cached = cache.get(job.cache_name, job.key)
        if cached is not None and still_valid(job):
            results[job] = cached
    pending = [job for job in jobs if job not in results]
    with tqdm(total=len(jobs), initial=len(results), desc="coding", unit=unit, disable=not progress) as bar:
        computed = _compute(pending, run_here, run_in_worker or run_here, min(workers, len(pending)),
                            worker_initializer)
        for job, result in computed:
            cache.put(job.cache_name, job.key, result)
            results[job] = result
            bar.set_postfix_str(job.label)
            bar.update()
    return {job: results[job] for job in jobs}


def _compute(jobs: list[Job], run_here: Callable[[Job], Any], run_in_worker: Callable[[Job], Any],
             workers: int, initializer: Callable[[], None] | None) -> Iterator[tuple[Job, Any]]:
    if workers <= 1:
        for job in jobs:
            yield job, _named_failures(job, lambda: run_here(job))
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=initializer) as pool:
        futures = {pool.submit(run_in_worker, job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], _named_failures(futures[future], future.result)


def _named_failures(job: CachedJob, compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except EvalError:
        raise
    except Exception as error:  # a codec library failing on one input
        raise EvalError(f"{job.label} failed: {error}") from error
