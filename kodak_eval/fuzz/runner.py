"""Running mutants through the decoders in worker processes, each watched for hangs (a
time limit per mutant), crashes (the process dies) and memory (its peak RSS growing past
what decoding the seeds needed by more than a limit)."""

from __future__ import annotations

import multiprocessing
import random
import resource
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from bitstream.mutation import MUTATION_KINDS, Mutant, mutate
from kodak_eval.fuzz.corpus import Seed, register_fuzz_models
from kodak_eval.fuzz.oracle import DECODED, decode_outcome

HANG, CRASH, MEMORY = "hang", "crash", "memory"
WARM_UP_SECONDS = 600.0  # for a worker to start and decode every seed once
ADDRESS_HEADROOM = 4 << 30  # bytes a worker may map beyond what it holds with its models loaded


@dataclass(frozen=True)
class Job:
    """Mutant ``number`` of a fuzzing run and the seed it was made from."""

    number: int
    seed: Seed
    mutant: Mutant


@dataclass(frozen=True)
class Result:
    """A job's outcome (``oracle``'s, an exception's name, HANG, CRASH or MEMORY) and the traceback, if any."""

    job: Job
    outcome: str
    trace: str = ""


def make_jobs(seeds: list[Seed], count: int, base_seed: int, header_types: tuple[bytes, ...],
              names: tuple[bytes, ...]) -> Iterator[Job]:
    """``count`` mutants, cycling through the seeds and, per seed, through the mutation
    kinds, so every (seed, kind) pair is as common as every other; mutant ``n`` is drawn
    from ``random.Random(f"{base_seed}:{n}")``, so any one can be made again. Splices take
    chunks of the other seeds."""
    for number in range(count):
        seed = seeds[number % len(seeds)]
        kind = MUTATION_KINDS[number // len(seeds) % len(MUTATION_KINDS)]
        rng = random.Random(f"{base_seed}:{number}")
        donors = tuple(other.data for other in seeds if other.data != seed.data)
        yield Job(number, seed, mutate(seed.data, rng, kind, header_types, names, donors))


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _limit_address_space() -> None:
    """Make allocations past ADDRESS_HEADROOM fail (MemoryError, which counts as a failure)
    instead of exhausting the machine (Linux: /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (pages * resource.getpagesize() + ADDRESS_HEADROOM, hard))


def _serve(connection: Connection, models: Path) -> None:
    """A worker: load every model, bound its address space, then answer each (data, mode)
    it is sent, until None, with (outcome, traceback, peak MiB)."""
    import torch

    from nvc.families import family_for
    from nvc.registry import model_entries

    torch.set_num_threads(1)
    register_fuzz_models(models)
    for entry in model_entries():
        family_for(entry).load(entry)
    _limit_address_space()
    while (request := connection.recv()) is not None:
        try:
            outcome, trace = decode_outcome(*request), ""
        except Exception as error:  # noqa: BLE001 - any other exception is what fuzzing looks for
            outcome, trace = f"exception {type(error).__name__}", traceback.format_exc()
        connection.send((outcome, trace, peak_mib()))


class Worker:
    """A decoding process, started with every model loaded and every seed decoded once;
    its peak memory then is the baseline that mutants may exceed by ``memory_mib``."""

    def __init__(self, models: Path, seeds: list[Seed], timeout: float, memory_mib: float):
        self._models, self._seeds, self.timeout, self._memory_mib = models, seeds, timeout, memory_mib
        self.job: Job | None = None
        self.deadline = 0.0
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self._models), daemon=True)
        self._process.start()
        child.close()
        for seed in self._seeds:
            self.connection.send((seed.data, seed.mode))
            if not self.connection.poll(WARM_UP_SECONDS):
                raise RuntimeError(f"a fuzzing worker took over {WARM_UP_SECONDS:.0f} s to decode seed {seed.name}")
            outcome, trace, self._baseline = self.connection.recv()
            if outcome != DECODED:
                raise RuntimeError(f"seed {seed.name} does not decode: {outcome}\n{trace}")

    def restart(self) -> None:
        """Kill the process and start a fresh one."""
        self._process.kill()
        self._process.join()
        self._start()

    def submit(self, job: Job) -> None:
        """Send a mutant to decode."""
        self.job, self.deadline = job, time.monotonic() + self.timeout
        self.connection.send((job.mutant.data, job.seed.mode))

    def collect(self) -> Result:
        """The submitted job's result (the worker has answered or died)."""
        try:
            outcome, trace, peak = self.connection.recv()
        except (EOFError, ConnectionError):
            self.restart()
            return Result(self.job, CRASH, f"worker exit code {self._process.exitcode}")
        if peak - self._baseline > self._memory_mib:
            self.restart()
            return Result(self.job, MEMORY, f"peak RSS {peak:.0f} MiB, {peak - self._baseline:.0f} MiB over the seeds'")
        return Result(self.job, outcome, trace)

    def hang(self) -> Result:
        """Kill a worker past its deadline; the result of its job."""
        self.restart()
        return Result(self.job, HANG, f"no answer within {self.timeout:.0f} s")

    def close(self) -> None:
        """Stop the process."""
        self.connection.send(None)
        self._process.join()


def run_jobs(jobs: Iterator[Job], workers: list[Worker], record: Callable[[Result], None]) -> None:
    """Decode every job's mutant on the workers, passing each result to ``record``."""
    busy: dict[Connection, Worker] = {}

    def feed(worker: Worker) -> None:
        job = next(jobs, None)
        if job is not None:
            worker.submit(job)
            busy[worker.connection] = worker

    for worker in workers:
        feed(worker)
    while busy:
        now = time.monotonic()
        for connection in wait(list(busy), timeout=max(0.0, min(w.deadline for w in busy.values()) - now)):
            worker = busy.pop(connection)
            record(worker.collect())
            feed(worker)
        for connection, worker in list(busy.items()):
            if time.monotonic() > worker.deadline and not connection.poll():
                del busy[connection]
                record(worker.hang())
                feed(worker)
