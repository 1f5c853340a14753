"""A visual comparison sheet: the same crop of one image from each codec at matched bpp.

Each codec codes the whole image at the setting whose bpp is closest to the target; the
tile shows a crop of the decoded image, titled with the whole-image bpp and PSNR-RGB.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kodak_eval.codecs.base import Codec
from kodak_eval.errors import EvalError
from kodak_eval.metrics import bits_per_pixel, psnr_rgb
from kodak_eval.runner import load_rgb

DEFAULT_CROP_SIDE = 256
MAX_COLUMNS = 4

Crop = tuple[int, int, int, int]  # left, top, width, height


@dataclass(frozen=True)
class SheetTile:
    """One panel of the sheet: who made it, at what setting and rate, and its crop."""

    label: str
    setting: int | None
    bpp: float
    psnr: float
    pixels: np.ndarray  # uint8 (height, width, 3) crop


def closest_setting(codec: Codec, rgb: np.ndarray, target_bpp: float) -> tuple[int, bytes]:
    """Encode ``rgb`` at every setting of ``codec``; return the setting and stream whose bpp
    is closest to ``target_bpp`` (on a tie, the lower bpp)."""
    height, width = rgb.shape[:2]
    best: tuple[float, float, int, bytes] | None = None
    for setting in codec.settings:
        data = codec.encode(rgb, setting)
        bpp = bits_per_pixel(len(data), width, height)
        key = (abs(bpp - target_bpp), bpp, setting, data)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        raise EvalError(f"codec {codec.name} has no settings")
    return best[2], best[3]


def resolve_crop(crop: Crop | None, width: int, height: int) -> Crop:
    """The crop box to use: ``crop`` checked against the image, or a centred square of
    ``DEFAULT_CROP_SIDE`` pixels (clamped to the image) when None."""
    if crop is None:
        crop_w, crop_h = min(DEFAULT_CROP_SIDE, width), min(DEFAULT_CROP_SIDE, height)
        return (width - crop_w) // 2, (height - crop_h) // 2, crop_w, crop_h
    left, top, crop_w, crop_h = crop
    if crop_w <= 0 or crop_h <= 0 or left < 0 or top < 0 or left + crop_w > width or top + crop_h > height:
        raise EvalError(f"crop (left={left}, top={top}, width={crop_w}, height={crop_h}) "
                        f"does not fit inside the {width}x{height} image")
    return left, top, crop_w, crop_h


def _cut(pixels: np.ndarray, box: Crop) -> np.ndarray:
    left, top, crop_w, crop_h = box
    return np.ascontiguousarray(pixels[top:top + crop_h, left:left + crop_w])


def sheet_tiles(image_path: Path, codecs: Sequence[Codec], target_bpp: float,
                crop: Crop | None = None) -> list[SheetTile]:
    """The original crop, then one tile per codec coded at the setting closest to ``target_bpp``."""
    reference = load_rgb(Path(image_path))
    height, width = reference.shape[:2]
    box = resolve_crop(crop, width, height)
    tiles = [SheetTile("original", None, 24.0, math.inf, _cut(reference, box))]
    for codec in codecs:
        codec.load()
        setting, data = closest_setting(codec, reference, target_bpp)
        decoded = codec.decode(data, height, width)
        tiles.append(SheetTile(codec.label, setting, bits_per_pixel(len(data), width, height),
                               psnr_rgb(reference, decoded), _cut(decoded, box)))
    return tiles


def draw_sheet(tiles: Sequence[SheetTile], out: Path, title: str) -> Path:
    """Draw the tiles in a grid (up to ``MAX_COLUMNS`` wide) and save it as a PNG at ``out``."""
    if not tiles:
        raise EvalError("no tiles to draw")
    columns = min(MAX_COLUMNS, len(tiles))
    rows = math.ceil(len(tiles) / columns)
    tile_h, tile_w = tiles[0].pixels.shape[:2]
    side = 3.6
    figure = Figure(figsize=(side * columns, side * rows * tile_h / tile_w + 0.6 * rows + 0.4),
                    layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title)
    axes_grid = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    for axes in axes_grid:
        axes.set_axis_off()
    for axes, tile in zip(axes_grid, tiles):
        axes.imshow(tile.pixels, interpolation="nearest")
        axes.set_title(f"{tile.label}\n{tile.bpp:.3f} bpp, {tile.psnr:.2f} dB", fontsize="medium")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format="png", dpi=100)
    return out
