"""Training data held in memory (on the training device), with random crops there:
images of a folder, or the P-frame residuals of a folder of clips (``training.residuals``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


def list_files(folder: str | Path, suffixes: set[str] = IMAGE_SUFFIXES) -> list[Path]:
    """Files directly inside ``folder`` whose suffix is one of ``suffixes`` (images by
    default), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"training data folder not found: {folder}")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in suffixes)


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
    """(3, H, W) images resident on one device, stored as uint8 pixels (``scale`` 1/255)
    or as float16 values (``scale`` 1); batches of random crops are cut there."""

    def __init__(self, images: list[torch.Tensor], device: torch.device, scale: float = 1 / 255):
        self.images = [image.to(device) for image in images]
        self.device, self.scale = device, scale
        if not self.images:
            raise ValueError("no training images")

    @classmethod
    def from_files(cls, files: list[Path], device: torch.device) -> ImageBank:
        """The images of ``files`` as uint8 pixels."""
        return cls([load_rgb(f) for f in files], device)

    def random_crops(self, batch: int, crop: int, generator: torch.Generator) -> torch.Tensor:
        """``batch`` random crops (with random flips) as float (B, 3, crop, crop)."""
        picks = torch.randint(len(self.images), (batch,), generator=generator).tolist()
        crops = []
        for index in picks:
            image = self.images[index]
            _, height, width = image.shape
            top = int(torch.randint(max(height - crop, 0) + 1, (1,), generator=generator))
            left = int(torch.randint(max(width - crop, 0) + 1, (1,), generator=generator))
            crops.append(image[:, top : top + crop, left : left + crop])
        batch_tensor = torch.stack(crops).float().mul_(self.scale)
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
        """One centred crop of every image, float (N, 3, crop, crop)."""
        crops = []
        for image in self.images:
            _, height, width = image.shape
            top, left = max(height - crop, 0) // 2, max(width - crop, 0) // 2
            crops.append(image[:, top : top + crop, left : left + crop])
        return torch.stack(crops).float().mul_(self.scale)


def load_banks(config, run_dir: Path, device: torch.device) -> tuple[ImageBank, ImageBank, dict]:
    """Training and validation banks for ``config.data`` ("images" or "video_residuals"),
    and a record of the data for checkpoints and manifests."""
    if config.data == "video_residuals":
        from training.residuals import cached_residuals

        split = cached_residuals(config.data_dir, config.validation_every_nth_image, run_dir / "residuals.pt",
                                 config.max_images)
        record = {"folder": str(config.data_dir), "clips": split["clips"], "training_residuals": len(split["train"]),
                  "validation_residuals": len(split["validation"]), "reference_model": split["key"]["reference"]}
        return ImageBank(split["train"], device, 1.0), ImageBank(split["validation"], device, 1.0), record
    if config.data != "images":
        raise ValueError(f"unknown training data kind '{config.data}' (images or video_residuals)")
    files = list_files(config.data_dir)
    if config.max_images:
        files = files[: config.max_images]
    train_files, validation_files = split_files(files, config.validation_every_nth_image)
    record = {"folder": str(config.data_dir), "training_images": len(train_files),
              "validation_images": len(validation_files)}
    return ImageBank.from_files(train_files, device), ImageBank.from_files(validation_files, device), record
