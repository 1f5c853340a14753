"""What every video codec under evaluation provides: settings, encode, frame sizes, decode.

A codec encodes a whole clip at one setting and intra period into a payload (packets or
a stream), tells the coded size of each frame from that payload, and decodes it back.
Decoded frames are 4:2:0 ``Planes`` (``output = "yuv420"``, the classic codecs) or uint8
RGB arrays (``output = "rgb"``, nvc); ``runner`` derives the other form with ``yuv``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from kodak_eval.video.clips import Clip
from kodak_eval.video.yuv import Planes

INFINITE_INTRA_PERIOD = -1  # only the first frame is intra
INTRA, PREDICTED = "I", "P"


@dataclass(frozen=True)
class FrameSizes:
    """Coded bits per frame (in display order), the frame types, and the whole payload's bits.

    ``total_bits`` can exceed ``sum(bits)`` by stream-level overhead (nvc's header and
    index); the rate of a clip is ``total_bits``."""

    bits: list[int]
    types: list[str]
    total_bits: int


class VideoCodec(ABC):
    """One codec with a fixed list of settings, run with ``threads`` threads."""

    name: str  # also the stem of its results file, e.g. "x264"
    label: str  # for tables and plots
    rate_control: str  # what a setting is, e.g. "QP" or "quality"
    output: str  # "yuv420" or "rgb": what ``decode`` returns
    settings: tuple[int, ...]  # the sweep, from low to high rate

    def __init__(self, threads: int = 1):
        self.threads = threads

    @property
    @abstractmethod
    def identity(self) -> str:
        """Everything that changes its output or speed (library versions, options, weights,
        threads): part of the cache key."""

    def coded_intra_period(self, requested: int) -> int:
        """The intra period this codec actually uses when ``requested`` is asked for."""
        return requested

    def load(self) -> None:
        """Prepare what the first encode would otherwise pay for (weights); default: nothing."""

    @abstractmethod
    def encode(self, clip: Clip, setting: int, intra_period: int) -> Any:
        """Code every frame of ``clip``; the payload that ``frame_sizes`` and ``decode`` take."""

    @abstractmethod
    def frame_sizes(self, payload: Any) -> FrameSizes:
        """Bits and type of each coded frame."""

    @abstractmethod
    def decode(self, payload: Any) -> list[Planes] | list[np.ndarray]:
        """Decoded frames in display order, in the form ``output`` names."""

    def description(self) -> str:
        """One line for results files: the label and the identity."""
        return f"{self.label} ({self.identity})"
