"""Training images held in memory (on the training device), with random crops there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


def list_images(folder: str | Path) -> list[Path]:
    """Image files directly inside ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"training data folder not found: {folder}")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def split_files(files: list[Path], every_nth: int) -> tuple[list[Path], list[Path]]:
    """Deterministic split: every ``every_nth`` file is held out for validation."""
    validation = files[::every_nth]
    held_out = set(validation)
    return [f for f in files if f not in held_out], validation


def load_rgb(path: Path) -> torch.Tensor:
    """An image file as a uint8 (3, H, W) tensor."""
    with Image.open(path) as image:
        array = np.asarray(image.convert("RGB"))
    return torch.from_numpy(array.copy()).permute(2, 0, 1).contiguous()


class ImageBank:
    """uint8 images resident on one device; batches of random crops are cut there."""

    def __init__(self, files: list[Path], device: torch.device):
        self.images = [load_rgb(f).to(device) for f in files]
        self.device = device
        if not self.images:
            raise ValueError("no training images")

    def random_crops(self, batch: int, crop: int, generator: torch.Generator) -> torch.Tensor:
        """``batch`` random crops (with random flips) as float (B, 3, crop, crop) in [0, 1]."""
        picks = torch.randint(len(self.images), (batch,), generator=generator).tolist()
        crops = []
        for index in picks:
            image = self.images[index]
            _, height, width = image.shape
            top = int(torch.randint(max(height - crop, 0) + 1, (1,), generator=generator))
            left = int(torch.randint(max(width - crop, 0) + 1, (1,), generator=generator))
            crops.append(image[:, top : top + crop, left : left + crop])
        batch_tensor = torch.stack(crops).float().div_(255.0)
        flips = torch.rand(2, generator=generator).tolist()
        if flips[0] < 0.5:
            batch_tensor = batch_tensor.flip(3)
        if flips[1] < 0.5:
            batch_tensor = batch_tensor.flip(2)
        return batch_tensor

    def smallest_side(self) -> int:
        """The shortest height or width among the images."""
        return min(min(image.shape[1:]) for image in self.images)

    def center_crops(self, crop: int) -> torch.Tensor:
        """One centred crop of every image, float (N, 3, crop, crop) in [0, 1]."""
        crops = []
        for image in self.images:
            _, height, width = image.shape
            top, left = max(height - crop, 0) // 2, max(width - crop, 0) // 2
            crops.append(image[:, top : top + crop, left : left + crop])
        return torch.stack(crops).float().div_(255.0)
