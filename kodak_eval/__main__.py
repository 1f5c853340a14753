"""Rate-distortion of nvc on Kodak, BD-rate vs published anchors, and coding speed.

Run as ``python -m kodak_eval``.

Argument parsing and glue only; the work is in run_nvc (codec), bdrate (curves and
BD-rate), timing (speed), metrics and results (codec-independent).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kodak_eval.bdrate import bd_rate_markdown, bd_rate_rows, Curve, load_curves, select_anchor
from kodak_eval.errors import EvalError
from kodak_eval.images import DEFAULT_IMAGES, KODAK_COUNT, find_images, timing_image
from kodak_eval.run_nvc import evaluate_nvc, load_nvc_model, model_qualities, parse_qualities, summary_name
from kodak_eval.timing import run_timing, timing_markdown
from nvc.errors import CodecError
from nvc.registry import DEFAULT_MODEL

DEFAULT_OUT = Path("results/kodak")
DEFAULT_ANCHORS = Path("../shared/anchors/kodak")
DEFAULT_AGAINST = "vtm"
BDRATE_FILE, TIMING_FILE = "bdrate.md", "timing.md"


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m kodak_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES, metavar="DIR", help="folder of the Kodak PNGs (default: %(default)s)")
    parser.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME", help="registered nvc model (default: %(default)s)")
    parser.add_argument("--qualities", metavar="LIST", help="comma-separated quality levels, e.g. 1,2,3 (default: all of the model's)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: %(default)s)")
    parser.add_argument("--anchors", type=Path, default=DEFAULT_ANCHORS, metavar="DIR", help="folder of CompressAI-format result JSONs (default: %(default)s)")
    parser.add_argument("--against", default=DEFAULT_AGAINST, metavar="STEM", help="anchor file stem for BD-rate (default: %(default)s)")
    parser.add_argument("--timing", type=int, default=0, metavar="N", help="also time encode/decode of one image, median of N runs (default: 0, off)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def run(args: argparse.Namespace) -> None:
    """Do everything the options ask for; EvalError or CodecError on bad input."""
    images = find_images(args.images)
    if len(images) != KODAK_COUNT:
        print(f"note: {len(images)} images in {args.images}, not the {KODAK_COUNT} of Kodak", file=sys.stderr)
    qualities = parse_qualities(args.qualities, args.model)
    load_nvc_model(args.model)
    anchors = load_curves(args.anchors)  # checked before the long run
    anchor = select_anchor(anchors, args.against)
    if args.timing < 0:
        raise EvalError("--timing must be >= 0")

    summary = evaluate_nvc(images, args.model, qualities, args.out, progress=not args.no_progress)
    ours = Curve.from_results(summary)
    curves = {f"{summary_name(args.model)}.json (this run)": ours} if ours else {}
    curves.update({f"{stem}.json": curve for stem, curve in anchors.items()})
    report = bd_rate_markdown(bd_rate_rows(curves, anchor), f"{args.against}.json")
    (args.out / BDRATE_FILE).write_text(report)
    print(report)

    if args.timing > 0:
        available = model_qualities(args.model)
        middle = available[(len(available) - 1) // 2]
        image = timing_image(images)
        report = timing_markdown(run_timing(image, args.model, middle, args.timing), image, args.timing)
        (args.out / TIMING_FILE).write_text(report)
        print(report)
    print(f"results in {args.out}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: 0 on success, 1 with a one-line error on bad input."""
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except (EvalError, CodecError) as error:
        print(f"kodak_eval: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
