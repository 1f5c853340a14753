"""nvc's video codec under evaluation, through its library API (``nvc.video.codec``).

``nvc`` codes P-frames at the requested intra period; ``nvc-intra`` is the same codec
with intra period 1 (every frame an intra frame), the baseline that P-frames must beat.
nvc codes RGB: it gets the source planes converted with ``yuv.yuv420_to_rgb`` and its
stream says BT.601 limited range. The rate is the whole stream (header and frame index
included); a frame's bits are its chunks as stored on disk.
"""

from __future__ import annotations

import hashlib
import importlib
import io
from pathlib import Path

import numpy as np
import torch

from kodak_eval.errors import EvalError
from kodak_eval.video.base import INTRA, PREDICTED, FrameSizes, VideoCodec
from kodak_eval.video.clips import Clip
from nvc.errors import CodecError
from nvc.families import family_for
from nvc.registry import get_model_entry, image_model_entry
from nvc.video.codec import INTRA as NVC_INTRA
from nvc.video.codec import VideoParameters, decode_frames, encode_video, read_video
from nvc.video.inter_codec import DEFAULT_INTER_MODEL as INTER_MODEL  # the P-frame model encode_video uses

SOURCE_MATRIX = "bt601"
CODING_MODULES = ("nvc.video.codec", "nvc.video.inter_codec", "nvc.video.motion", "nvc.video.motion_coding")


def coding_tools_digest() -> str:
    """A short digest of the source of nvc's video coding modules: a change to how frames
    are coded changes the results' cache key, as new weights do."""
    digest = hashlib.sha256()
    for name in CODING_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return digest.hexdigest()[:12]


class NvcVideo(VideoCodec):
    """nvc at the given quality levels; ``intra_only`` makes it ``nvc-intra``."""

    rate_control, output = "quality", "rgb"

    def __init__(self, model: str, qualities: tuple[int, ...], threads: int = 1, intra_only: bool = False):
        super().__init__(threads)
        try:
            entry = image_model_entry(model)
        except CodecError as error:
            raise EvalError(str(error)) from None
        unknown = [quality for quality in qualities if quality not in entry.qualities]
        if unknown:
            raise EvalError(f"nvc model '{model}' has no quality {unknown[0]} "
                            f"(it has {entry.qualities.start}-{entry.qualities.stop - 1})")
        self.model, self.entry, self.intra_only = model, entry, intra_only
        self.name = "nvc-intra" if intra_only else "nvc"
        self.label = f"nvc {model} v{entry.version}" + (" all intra" if intra_only else "")
        self.settings = tuple(sorted(qualities))

    @property
    def identity(self) -> str:
        """Name, intra weights, for ``nvc`` (nvc-intra never uses it) the inter model's weights,
        and the coding tools' source digest."""
        inter = None if self.intra_only else get_model_entry(INTER_MODEL)
        inter_weights = f"; inter model {inter.name} v{inter.version} sha256 {inter.sha256}" if inter else ""
        return (f"{self.name}; {self.model} v{self.entry.version} weights sha256 {self.entry.sha256}"
                f"{inter_weights}; coding tools {coding_tools_digest()}; torch threads {self.threads}")

    def coded_intra_period(self, requested: int) -> int:
        """1 for nvc-intra, else what is asked for."""
        return 1 if self.intra_only else requested

    def load(self) -> None:
        """Set torch's thread count and load the weights, so timings exclude loading."""
        torch.set_num_threads(self.threads)
        entries = [self.entry] if self.intra_only else [self.entry, get_model_entry(INTER_MODEL)]
        for entry in entries:
            family_for(entry).load(entry)

    def encode(self, clip: Clip, setting: int, intra_period: int) -> bytes:
        """The clip's RGB frames into one nvc video stream; its bytes."""
        parameters = VideoParameters(fps=clip.fps, matrix=SOURCE_MATRIX, full_range=False, intra_period=intra_period)
        handle = io.BytesIO()
        encode_video(clip.rgb, handle, parameters, setting, self.model)
        return handle.getvalue()

    def frame_sizes(self, payload: bytes) -> FrameSizes:
        """Each frame's chunk bytes and type, read back from the stream."""
        _, _, frames = read_video(io.BytesIO(payload))
        bits, types = [], []
        for frame in frames:
            bits.append(8 * sum(chunk.size_on_disk for chunk in frame.chunks))
            types.append(INTRA if frame.info.frame_type == NVC_INTRA else PREDICTED)
        return FrameSizes(bits, types, 8 * len(payload))

    def decode(self, payload: bytes) -> list[np.ndarray]:
        """Every frame of the stream as uint8 RGB."""
        header, parameters, frames = read_video(io.BytesIO(payload))
        return list(decode_frames(header, frames, parameters))
