"""A per-image (or per-clip) result cache, so that a rerun only does the work that is new.

A result is keyed by the codec's identity (its name plus the versions and options that
change its output), the setting and the SHA-256 of the image file: a new library
version, new nvc weights or an edited image are recomputed, nothing else is. Results are
dataclasses with a ``from_dict`` class method: ``ImageResult`` by default, the video
evaluation's ``ClipResult`` too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kodak_eval.results import ImageResult

CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(codec_identity: str, setting: int, image_digest: str) -> str:
    """Hex key of one (codec identity, setting, image) combination."""
    return hashlib.sha256(f"{codec_identity}\n{setting}\n{image_digest}".encode()).hexdigest()


class ResultCache:
    """One JSON file per cached result under ``folder/<codec>/``, read back as ``record`` objects."""

    def __init__(self, folder: Path, record: type = ImageResult):
        self.folder = Path(folder)
        self.record = record

    def _path(self, codec: str, key: str) -> Path:
        return self.folder / codec / f"{key}.json"

    def get(self, codec: str, key: str) -> Any:
        """The cached result, or None when absent or unreadable."""
        try:
            return self.record.from_dict(json.loads(self._path(codec, key).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def put(self, codec: str, key: str, result: Any) -> None:
        """Store a result (atomically, so an interrupted run leaves no half file)."""
        path = self._path(codec, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(result)))
        temporary.replace(path)
