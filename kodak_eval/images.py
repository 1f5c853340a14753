"""Finding the test images, and fetching the Kodak set from its official source when absent.

The default folder is ``$NVC_KODAK_DIR``, else ``~/.cache/nvc/kodak``. When it lacks
the 24 images and the network works, they are downloaded from Rich Franzen's page
(r0k.us), the canonical host of the Kodak Lossless True Color Image Suite, with a
progress bar; offline, the error says where to put them.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from kodak_eval.errors import EvalError

KODAK_COUNT = 24
KODAK_NAMES = [f"kodim{index:02d}.png" for index in range(1, KODAK_COUNT + 1)]
KODAK_URL = "https://r0k.us/graphics/kodak/kodak/{name}"
DOWNLOAD_TIMEOUT_S = 30
IMAGE_SUFFIXES = {".png", ".ppm", ".bmp", ".tif", ".tiff", ".jpg", ".jpeg", ".webp"}


def default_kodak_folder() -> Path:
    """``$NVC_KODAK_DIR`` if set, else ``~/.cache/nvc/kodak``."""
    return Path(os.environ.get("NVC_KODAK_DIR") or Path.home() / ".cache" / "nvc" / "kodak")


def find_images(folder: Path) -> list[Path]:
    """The image files directly in ``folder``, sorted by name; EvalError if there are none."""
    folder = Path(folder)
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) if folder.is_dir() else []
    if not images:
        where = "does not exist" if not folder.is_dir() else "holds no images"
        raise EvalError(f"image folder {folder} {where} (pass --images DIR)")
    return images


def missing_kodak(folder: Path) -> list[str]:
    """Kodak file names not present in ``folder``."""
    return [name for name in KODAK_NAMES if not (Path(folder) / name).is_file()]


def download_kodak(folder: Path, progress: bool = True) -> None:
    """Fetch the missing Kodak PNGs into ``folder``; EvalError saying where to put them if offline."""
    folder = Path(folder)
    missing = missing_kodak(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in tqdm(missing, desc="downloading Kodak", unit="img", disable=not progress):
        target = folder / name
        temporary = target.with_suffix(".part")
        try:
            with urllib.request.urlopen(KODAK_URL.format(name=name), timeout=DOWNLOAD_TIMEOUT_S) as response:
                temporary.write_bytes(response.read())
        except (urllib.error.URLError, OSError) as error:
            temporary.unlink(missing_ok=True)
            raise EvalError(
                f"cannot download {name} from {KODAK_URL.format(name=name)} ({error}); "
                f"put kodim01.png ... kodim{KODAK_COUNT}.png in {folder} or pass --images DIR"
            ) from None
        temporary.replace(target)


def resolve_images(folder: Path | None, progress: bool = True) -> list[Path]:
    """The images to evaluate: those in ``folder``, or the default Kodak folder (downloaded if needed)."""
    if folder is not None:
        return find_images(folder)
    kodak = default_kodak_folder()
    if missing_kodak(kodak):
        download_kodak(kodak, progress)
    return [kodak / name for name in KODAK_NAMES]
