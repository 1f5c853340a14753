"""Stage training images for a lent GPU: ``python -m training.gpu_data --part N``.

A device call carries at most 64 MiB, so the training folder travels in the parts its
manifest.csv defines (about 42 MB each): this copies part N into ``.gpu_data/partN/``
(ignored by git), to be named in that call's ``carry``. See docs/GPU_TRAINING.md.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

DEFAULT_SOURCE = Path("../shared/data/train")
DEFAULT_DEST = Path(".gpu_data")


def stage_part(part: int, source: Path = DEFAULT_SOURCE, dest: Path = DEFAULT_DEST) -> tuple[Path, int]:
    """Copy the files of manifest part ``part`` into ``dest/part<part>``; (folder, bytes copied)."""
    with open(source / "manifest.csv", newline="") as handle:
        names = [row["filename"] for row in csv.DictReader(handle) if row["part"] == str(part)]
    if not names:
        raise SystemExit(f"manifest.csv in {source} has no part {part}")
    folder = dest / f"part{part}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy2(source / name, folder / name)
    return folder, sum(path.stat().st_size for path in folder.iterdir())


def main(argv: list[str] | None = None) -> None:
    """Command-line wrapper around ``stage_part``."""
    parser = argparse.ArgumentParser(prog="python -m training.gpu_data", description=__doc__.splitlines()[0])
    parser.add_argument("--part", type=int, required=True)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args(argv)
    folder, size = stage_part(args.part, args.source, args.dest)
    print(f"{folder}: {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
