"""The video codecs by name: the classic anchors and nvc (P-frames) / nvc-intra (all intra)."""

from __future__ import annotations

from dataclasses import dataclass

from kodak_eval.errors import EvalError
from kodak_eval.video.anchors import SvtAv1, X264, X265
from kodak_eval.video.base import VideoCodec

ANCHORS: dict[str, type[VideoCodec]] = {codec.name: codec for codec in (X264, X265, SvtAv1)}
NVC, NVC_INTRA = "nvc", "nvc-intra"
CODEC_NAMES = (*ANCHORS, NVC, NVC_INTRA)


@dataclass(frozen=True)
class CodecSpec:
    """Enough to build a codec in any process: its name, nvc's model and qualities, threads."""

    name: str
    model: str
    qualities: tuple[int, ...]
    threads: int


def check_names(names: list[str]) -> None:
    """EvalError naming the first unknown codec."""
    for name in names:
        if name not in CODEC_NAMES:
            raise EvalError(f"unknown codec '{name}' (available: {', '.join(CODEC_NAMES)})")


def make_codec(spec: CodecSpec) -> VideoCodec:
    """The codec ``spec`` describes; EvalError when its name is unknown."""
    check_names([spec.name])
    if spec.name in ANCHORS:
        return ANCHORS[spec.name](spec.threads)
    from kodak_eval.video.nvc_codecs import NvcVideo

    return NvcVideo(spec.model, spec.qualities, spec.threads, intra_only=spec.name == NVC_INTRA)
