"""The one place nvc imports compressai.

nvc uses four names from compressai 1.2.8 (below), but ``import compressai`` runs a
package ``__init__`` that imports every subpackage: its point-cloud datasets and
transforms import torch_geometric (seconds, with torch._dynamo) and pandas, and its
registry imports ``torchvision.transforms``, whose only wheel for torch 2.13 is a CUDA
build (it fails to import on a CPU-only machine and, installed as a dependency, drags in
a CUDA torch; hence ``pip install --no-deps compressai``).

So unless compressai is already imported, this module registers ``compressai`` as a bare
package (its real directory, its ``__init__`` not run), giving it the two functions its
entropy models ask their package for, and a ``compressai.registry.transforms`` with an
empty transform table in place of the one that lists torchvision's and torch_geometric's
transforms. Submodules then load from compressai's own files: the four names here, and
also ``compressai.zoo`` (used by ``kodak_eval speed``), without torchvision,
torch_geometric or pandas.

compressai's entropy models also import ``scipy.stats`` (0.6 s), for a quantile that only
their own ``update()`` computes and nvc never calls (it codes with constriction): it is
registered to load on first use. (``importlib.util.LazyLoader`` would not do: on Python
3.11 an ``import`` statement reads the module's ``__spec__``, which makes it load.)
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Callable

ENTROPY_CODER = "ans"  # compressai's default (its rANS); nvc codes with constriction


def _bare_compressai() -> types.ModuleType:
    """compressai's package module, not executed, with what its submodules ask of it."""
    spec = importlib.util.find_spec("compressai")
    if spec is None:
        raise ModuleNotFoundError("compressai is not installed (pip install --no-deps compressai==1.2.8)",
                                  name="compressai")
    package = importlib.util.module_from_spec(spec)
    package.get_entropy_coder = lambda: ENTROPY_CODER
    package.available_entropy_coders = lambda: [ENTROPY_CODER]
    return package


def _empty_transform_registry() -> types.ModuleType:
    """A ``compressai.registry.transforms`` whose table starts empty."""
    module = types.ModuleType("compressai.registry.transforms")
    module.TRANSFORMS = {}

    def register_transform(name: str) -> Callable[[type], type]:
        def register(cls: type) -> type:
            module.TRANSFORMS[name] = cls
            return cls

        return register

    module.register_transform = register_transform
    return module


class _LoadedOnFirstUse(types.ModuleType):
    """A module registered under its name whose code runs when an attribute it lacks is
    first asked for (``__spec__`` and the other import-system attributes are set)."""

    def __getattr__(self, name: str) -> object:
        self.__class__ = types.ModuleType  # from here on an ordinary module
        self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def _load_on_first_use(name: str) -> None:
    """Register module ``name`` (unless imported already) to execute on first use."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _LoadedOnFirstUse
    sys.modules[name] = module

if "compressai" not in sys.modules:
    sys.modules["compressai"] = _bare_compressai()
    sys.modules["compressai.registry.transforms"] = _empty_transform_registry()
_load_on_first_use("scipy.stats")

from compressai.entropy_models import EntropyBottleneck, GaussianConditional  # noqa: E402
from compressai.layers import GDN  # noqa: E402
from compressai.ops import quantize_ste  # noqa: E402

__all__ = ["EntropyBottleneck", "GaussianConditional", "GDN", "quantize_ste"]
