"""The interface of a model family: what the rest of nvc may ask of the sub-package that
codes a family's models (``nvc.image`` for hyperprior VAEs, ``nvc.vq`` for VQ, ...).

    pixels --family.encode--> payload chunks --(nvc.coding: HEAD, DONE)--> stream
    stream --(nvc.coding: read, check model)--> container --family.decode--> pixels

Generic code (``nvc.coding``, the CLI, kodak_eval, video) finds a model's family through
``nvc.families.family_for(entry)`` and never tests which family it holds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bitstream import Chunk, Container, Header
from nvc.errors import CodecError

if TYPE_CHECKING:
    from nvc.registry import ModelEntry


@dataclass(frozen=True)
class EncodeOptions:
    """Encoder settings beyond model and quality."""

    effort: str | None = None  # one of the family's ``efforts`` (e.g. "fast"), or None for its default
    progress: Callable[[float], None] | None = None  # told the fraction done, for encoders that take long


@dataclass(frozen=True)
class DecodedImage:
    """A decoded stream: pixels, header, and notes on damage that was concealed (if any)."""

    pixels: np.ndarray  # (H, W, 3) uint8
    header: Header
    concealed: tuple[str, ...] = ()


class ModelFamily(ABC):
    """How one family of models codes images. One instance, ``FAMILY``, lives in the
    family's ``family`` module; its chunk types are declared (and registered with the
    container) by the torch-free ``chunks`` module of the same package."""

    chunk_types: dict[bytes, str]  # the payload chunk types the family's streams hold
    concealable: frozenset[bytes] = frozenset()  # types whose loss ``decode(..., conceal=True)`` fills in
    efforts: tuple[str, ...] = ()  # the effort levels ``encode`` knows (none: only the default)
    slow_encoder: bool = False  # True when the default effort takes minutes per image (it fits a model)

    @abstractmethod
    def load(self, entry: ModelEntry) -> None:
        """Load the model's weights now (once), so that failures come early and later
        coding times exclude loading."""

    @abstractmethod
    def encode(self, entry: ModelEntry, pixels: np.ndarray, quality: int, options: EncodeOptions) -> list[Chunk]:
        """The payload chunks that code (H, W, 3) uint8 ``pixels`` at a 1-based ``quality``
        (in the entry's range, and ``options`` checked by ``check_options``)."""

    @abstractmethod
    def decode(self, entry: ModelEntry, container: Container, conceal: bool) -> DecodedImage:
        """A container made with ``entry`` (its header already checked against it) back to
        pixels; FormatError if the payload is damaged, unless ``conceal`` and the family
        can fill the damage in (then ``DecodedImage.concealed`` says what it filled)."""

    def describe(self, entry: ModelEntry, container: Container) -> list[tuple[str, str]]:
        """Extra (label, value) lines for ``nvc info`` about a stream of this family."""
        return []

    def encoder_identity(self, entry: ModelEntry, effort: str | None = None, quality: int | None = None) -> str:
        """What, besides the weights, decides the encoder's output at an effort (None: the
        default) and a quality (None: all of them), for result caches; empty when that is
        the weights alone."""
        return ""

    def check_options(self, entry: ModelEntry, options: EncodeOptions) -> None:
        """CodecError (naming the model) for options the family does not know."""
        if options.effort is not None and options.effort not in self.efforts:
            raise CodecError(
                f"model '{entry.name}' has no effort '{options.effort}' (efforts: {', '.join(self.efforts) or 'none'})"
            )
