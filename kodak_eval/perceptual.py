"""LPIPS (Zhang et al., CVPR 2018, VGG variant, v0.1) from weight files the user already has.

Nothing is downloaded: ``--lpips DIR`` must hold torchvision's ImageNet VGG16 weights
(``vgg16-397923af.pth``) and LPIPS's linear calibration layers (``vgg.pth`` from the
``lpips`` package, ``lpips/weights/v0.1/vgg.pth``). The network is rebuilt here in plain
torch (no torchvision): VGG16's convolutions up to relu5_3, features taken after
relu1_2, relu2_2, relu3_3, relu4_3 and relu5_3, each unit-normalised over channels,
squared differences weighted by the linear layers, averaged over space, summed over
layers. DISTS is not provided.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from kodak_eval.errors import EvalError

BACKBONE_FILE, LINEAR_FILE = "vgg16-397923af.pth", "vgg.pth"
# torchvision's vgg16.features: channels of each 3x3 convolution, "M" for a 2x2 max-pool.
VGG16_LAYOUT = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512)
TAPPED_RELUS = (3, 8, 15, 22, 29)  # indices in vgg16.features after which LPIPS reads features
SHIFT = (-0.030, -0.088, -0.188)  # LPIPS's input scaling layer
SCALE = (0.458, 0.448, 0.450)
EPSILON = 1e-10
MIN_SIDE = 16  # four 2x2 max-pools: smaller images cannot be scored


def vgg16_features() -> nn.Sequential:
    """vgg16.features up to relu5_3, with torchvision's module indices (so its keys load)."""
    layers: list[nn.Module] = []
    channels = 3
    for item in VGG16_LAYOUT:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, item, 3, padding=1), nn.ReLU(inplace=False)]
            channels = item
    return nn.Sequential(*layers)


class Lpips(nn.Module):
    """The LPIPS distance between two RGB images."""

    def __init__(self, folder: Path):
        super().__init__()
        self.features = vgg16_features()
        widths = [64, 128, 256, 512, 512]
        self.linear = nn.ModuleList(nn.Conv2d(width, 1, 1, bias=False) for width in widths)
        self.register_buffer("shift", torch.tensor(SHIFT)[None, :, None, None])
        self.register_buffer("scale", torch.tensor(SCALE)[None, :, None, None])
        self._load(Path(folder))
        self.eval()

    def _load(self, folder: Path) -> None:
        backbone, linear = folder / BACKBONE_FILE, folder / LINEAR_FILE
        for path in (backbone, linear):
            if not path.is_file():
                raise EvalError(f"LPIPS needs {BACKBONE_FILE} (torchvision VGG16) and {LINEAR_FILE} "
                                f"(lpips v0.1) in {folder}; {path.name} is missing (nothing is downloaded)")
        try:
            vgg = torch.load(backbone, map_location="cpu", weights_only=True)
            self.features.load_state_dict({k[len("features."):]: v for k, v in vgg.items()
                                           if k.startswith("features.") and int(k.split(".")[1]) < len(self.features)})
            lin = torch.load(linear, map_location="cpu", weights_only=True)
            for index, layer in enumerate(self.linear):
                layer.weight.data.copy_(lin[f"lin{index}.model.1.weight"])
        except (RuntimeError, KeyError, ValueError, OSError) as error:
            raise EvalError(f"LPIPS weights in {folder} do not fit: {error}") from None

    def _taps(self, x: torch.Tensor) -> list[torch.Tensor]:
        taps = []
        for index, layer in enumerate(self.features):
            x = layer(x)
            if index in TAPPED_RELUS:
                taps.append(x / (x.pow(2).sum(dim=1, keepdim=True).sqrt() + EPSILON))
        return taps

    @torch.no_grad()
    def forward(self, reference: np.ndarray, decoded: np.ndarray) -> float:
        """LPIPS of two uint8 (H, W, 3) images (0: identical; larger: more different); NaN
        when a side is shorter than ``MIN_SIDE``."""
        if min(reference.shape[:2]) < MIN_SIDE:
            return math.nan

        def tensor(pixels: np.ndarray) -> torch.Tensor:
            x = torch.from_numpy(np.array(pixels, dtype=np.float32)).permute(2, 0, 1)[None] / 127.5 - 1.0
            return (x - self.shift) / self.scale

        distance = sum(
            linear((a - b).pow(2)).mean()
            for linear, a, b in zip(self.linear, self._taps(tensor(reference)), self._taps(tensor(decoded)))
        )
        return float(distance)
