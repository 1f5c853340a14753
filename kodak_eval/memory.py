"""Peak memory of one encode and decode, measured in a fresh process per codec.

Linux keeps a high-water mark of each process's resident set (``VmHWM``); writing 5 to
``/proc/self/clear_refs`` resets it. The child process loads the codec and the image,
resets the mark, encodes and decodes once, and reports the high-water mark minus the
resident set it started from: the memory the coding itself needed, without the
interpreter and library imports. Where the reset is not allowed the child reports the
process's lifetime peak instead, an upper bound.
"""

from __future__ import annotations

import resource
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

MIB = 1 << 20


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"{field} not in /proc/self/status")


def _measure_in_child(codec_name: str, image: Path, setting: int) -> float:
    from kodak_eval.codecs import get_codec
    from kodak_eval.runner import load_rgb

    codec = get_codec(codec_name)
    codec.load()
    rgb = load_rgb(image)
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        baseline_kib, reset = _status_kib("VmRSS"), True
    except OSError:
        baseline_kib, reset = 0, False
    codec.decode(codec.encode(rgb, setting), *rgb.shape[:2])
    peak_kib = _status_kib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (peak_kib - baseline_kib) * 1024 / MIB


def peak_memory_mib(codec_name: str, image: Path, setting: int) -> float:
    """Extra resident memory (MiB) one encode plus decode of ``image`` needs, in a new process."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_measure_in_child, codec_name, Path(image), setting).result()
