"""The codecs kodak_eval can run, by name.

Adding a codec: subclass ``base.Codec`` and list the class in ``CLASSIC_CODECS`` (or, like
nvc, resolve it from its name in ``get_codec``).
"""

from __future__ import annotations

from kodak_eval.codecs.base import Codec
from kodak_eval.codecs.pillow_codecs import Avif, Jpeg420, Jpeg444, Jpeg2000, WebP
from kodak_eval.codecs.video import SvtAv1, X265Yuv420, X265Yuv444
from kodak_eval.errors import EvalError

CLASSIC_CODECS: dict[str, type[Codec]] = {
    codec.name: codec for codec in (Jpeg420, Jpeg444, WebP, Avif, Jpeg2000, X265Yuv444, X265Yuv420, SvtAv1)
}
NVC_PREFIX = "nvc-"
EFFORT_SEPARATOR = "@"  # nvc-checkerboard@slow: the model at an effort other than its default
REFINE_PREFIX = "refine"  # nvc-checkerboard@refine50: 50 steps of latent refinement


def codec_names() -> list[str]:
    """Names of the classic codecs plus one ``nvc-<model>`` per nvc image model, leaving out
    the inter model and models whose encoder fits each image (minutes per image: name them)."""
    from nvc.families import family_for
    from nvc.registry import IMAGE, model_entries

    models = [entry for entry in model_entries() if entry.role == IMAGE and not family_for(entry).slow_encoder]
    return [*CLASSIC_CODECS, *(NVC_PREFIX + entry.name for entry in models)]


def get_codec(name: str) -> Codec:
    """A codec by name: a classic codec, ``nvc-<model>``, ``nvc-<model>@<effort>`` or
    ``nvc-<model>@refine<steps>`` (hyperprior family); EvalError when unknown."""
    if name in CLASSIC_CODECS:
        return CLASSIC_CODECS[name]()
    if name.startswith(NVC_PREFIX):
        from kodak_eval.codecs.nvc_codec import NvcCodec, NvcRefinementCodec
        from nvc.errors import CodecError

        model, _, effort = name[len(NVC_PREFIX):].partition(EFFORT_SEPARATOR)
        steps = effort.removeprefix(REFINE_PREFIX)
        try:
            if effort.startswith(REFINE_PREFIX) and steps.isdigit():
                return NvcRefinementCodec(model, int(steps))
            return NvcCodec(model, effort or None)
        except CodecError as error:
            raise EvalError(str(error)) from error
    raise EvalError(f"unknown codec '{name}' (available: {', '.join(codec_names())})")
