"""Finding the test images (the 24 Kodak PNGs) in a folder."""

from __future__ import annotations

from pathlib import Path

from kodak_eval.errors import EvalError

DEFAULT_IMAGES = Path("../shared/data/kodak")
KODAK_COUNT = 24
TIMING_IMAGE = "kodim01.png"


def find_images(folder: Path) -> list[Path]:
    """The PNG files in ``folder``, sorted by name; EvalError if there are none."""
    folder = Path(folder)
    images = sorted(folder.glob("*.png")) if folder.is_dir() else []
    if not images:
        where = "does not exist" if not folder.is_dir() else "holds no .png files"
        raise EvalError(
            f"image folder {folder} {where}: put the {KODAK_COUNT} Kodak PNGs "
            f"(kodim01.png ... kodim{KODAK_COUNT}.png) there, or pass --images DIR"
        )
    return images


def timing_image(images: list[Path]) -> Path:
    """kodim01.png if it is among ``images``, else the first image."""
    for path in images:
        if path.name == TIMING_IMAGE:
            return path
    return images[0]
