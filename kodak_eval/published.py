"""Published Kodak RD points shipped with kodak_eval (``anchors/``), and loading any results file.

The files are copies of ../shared/anchors/kodak: CompressAI-format results with a
``source`` field naming the repository, file and commit each came from (see
``anchors/README.md``). They are data, not measurements made here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kodak_eval.errors import EvalError
from kodak_eval.results import read_json

PUBLISHED_FOLDER = Path(__file__).parent / "anchors"


def published_names() -> list[str]:
    """Stems of the shipped published results, e.g. 'vtm', 'bpg_444_x265_ycbcr'."""
    return sorted(path.stem for path in PUBLISHED_FOLDER.glob("*.json"))


def load_published(name: str) -> dict[str, Any]:
    """A shipped published results dict by stem; EvalError listing the choices otherwise."""
    path = PUBLISHED_FOLDER / f"{name}.json"
    if not path.is_file():
        raise EvalError(f"no published results '{name}' (available: {', '.join(published_names())})")
    return read_json(path)


def load_results(reference: str | Path) -> dict[str, Any]:
    """A results dict from a file path, or from a published stem when no such file exists."""
    path = Path(reference)
    if path.suffix == ".json" or path.exists():
        data = read_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
            raise EvalError(f"{path} is not a CompressAI-format results file (no 'results' object)")
        return data
    return load_published(str(reference))
