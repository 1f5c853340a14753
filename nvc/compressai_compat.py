"""The one place nvc imports compressai.

compressai 1.2.8 imports ``torchvision.transforms`` when it loads, only to list its
transforms in a registry that nvc never uses. The only torchvision wheel built for
torch 2.13 is a CUDA build, which fails to import on a CPU-only machine
("operator torchvision::nms does not exist") and, when installed as a dependency,
drags in a CUDA torch. nvc therefore installs compressai with ``--no-deps`` and, if
torchvision cannot be imported, registers an empty stand-in module before importing
compressai. A working torchvision, where one exists, is used unchanged.
"""

from __future__ import annotations

import importlib
import sys
import types


def _install_torchvision_stand_in() -> None:
    """Register an empty ``torchvision`` package if the real one cannot be imported."""
    try:
        importlib.import_module("torchvision")
        return
    except Exception:  # missing, or a CUDA build that fails to load its operators
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]
    package = types.ModuleType("torchvision")
    package.__path__ = []  # marks it as a package
    transforms = types.ModuleType("torchvision.transforms")
    package.transforms = transforms
    sys.modules["torchvision"] = package
    sys.modules["torchvision.transforms"] = transforms


_install_torchvision_stand_in()

from compressai.entropy_models import EntropyBottleneck, GaussianConditional  # noqa: E402
from compressai.layers import GDN  # noqa: E402
from compressai.ops import quantize_ste  # noqa: E402

__all__ = ["EntropyBottleneck", "GaussianConditional", "GDN", "quantize_ste"]
