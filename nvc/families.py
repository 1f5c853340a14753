"""Dispatch to the model families through their table, ``nvc.registry.FAMILIES`` (a
family's name, as ``ModelEntry.family`` gives it, to the sub-package that codes it).

A family's package holds two modules by convention:

* ``chunks``: its chunk types (``CHUNK_TYPES``) and which of them it can conceal the loss
  of (``CONCEALABLE``), registered with the container on import; torch-free. Every
  family's ``chunks`` is imported with this module, so a reader knows every chunk type
  before it parses a stream.
* ``family``: ``FAMILY``, its ``nvc.family.ModelFamily``. It is imported only when a model
  of the family is used, so coding one family's streams never imports another family's
  networks (nor compressai, which only the hyperprior family needs).

Adding a family is its sub-package, one ``FAMILIES`` line and one ``register_model`` entry.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from nvc.registry import FAMILIES, ModelEntry

if TYPE_CHECKING:
    from nvc.family import ModelFamily

CHUNK_OWNERS: tuple[str, ...] = (*FAMILIES.values(), "nvc.video", "nvc.tiles", "nvc.metadata")
"""Every package with a ``chunks`` module: the families, video (frames, motion), tiles and
image metadata (EXIF, ICC profile)."""


def family_chunks(name: str) -> ModuleType:
    """The ``chunks`` module of family ``name`` (already imported, see above)."""
    return importlib.import_module(f"{FAMILIES[name]}.chunks")


def family_for(entry: ModelEntry) -> ModelFamily:
    """The family object that codes ``entry``'s streams (importing its module the first time)."""
    return importlib.import_module(f"{FAMILIES[entry.family]}.family").FAMILY


def concealable_chunk_types() -> frozenset[bytes]:
    """The chunk types some family can do without (it conceals their loss): what a
    concealing read may drop when damaged, before it knows the stream's model."""
    return frozenset().union(*(family_chunks(name).CONCEALABLE for name in FAMILIES))


for _owner in CHUNK_OWNERS:
    importlib.import_module(f"{_owner}.chunks")
