"""``python -m kodak_eval``: run codecs over Kodak, compare with published anchors, plot, time.

Commands: ``run`` (measure codecs, write results, the table and the RD plot), ``bdrate``
(the table for any results files), ``plot``, ``sheet`` (visual comparison at matched
bpp), ``speed`` (nvc against CompressAI's hyperprior), ``download`` (fetch Kodak),
``video`` (nvc's video codec and low-delay anchors on y4m clips) and ``fuzz``
(structure-aware fuzzing of the decoders).
Glue only: the work is in runner, report, plots, sheet, timing, images and video/.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kodak_eval.errors import EvalError

DEFAULT_OUT = Path("results/kodak")
DEFAULT_ANCHOR = "vtm"
DEFAULT_PUBLISHED = ("vtm", "bpg_444_x265_ycbcr", "av1", "jpeg", "webp", "bmshj2018-hyperprior_mse",
                     "mbt2018-mean_mse", "paper-elic2022_mse", "tcm-large", "hpcm-large")
REPORT_FILE, PLOT_STEM = "report.md", "rd"
DEFAULT_CLIPS, DEFAULT_VIDEO_OUT = Path("../shared/data/video"), Path("results/video")
DEFAULT_FUZZ_OUT = Path("results/fuzz")


def reports_errors(command):
    """Turn expected failures into 'kodak_eval: error: ...' on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from nvc.errors import CodecError

        try:
            return command(*args, **kwargs)
        except (EvalError, CodecError) as error:
            click.echo(f"kodak_eval: error: {error}", err=True)
            sys.exit(1)

    return wrapper


def split_list(text: str) -> list[str]:
    """'a,b, c' -> ['a', 'b', 'c']."""
    return [part.strip() for part in text.split(",") if part.strip()]


def restrict_settings(codecs: list, setting_lists: tuple[str, ...]) -> None:
    """Apply ``--settings CODEC=S1,S2`` options: each named codec keeps only those settings."""
    by_name = {codec.name: codec for codec in codecs}
    for option in setting_lists:
        name, _, values = option.partition("=")
        if name not in by_name:
            raise EvalError(f"--settings names '{name}', which is not among the codecs run")
        codec = by_name[name]
        try:
            wanted = tuple(int(value) for value in split_list(values))
        except ValueError:
            raise EvalError(f"--settings {name}= needs comma-separated integers, got '{values}'") from None
        unknown = sorted(set(wanted) - set(codec.settings))
        if not wanted or unknown:
            raise EvalError(f"--settings {option}: {name} has settings {', '.join(map(str, codec.settings))}")
        codec.settings = tuple(setting for setting in codec.settings if setting in wanted)


def comparison_table(measured: list[dict], published: list[str], against: str, title: str) -> str:
    """The markdown report of measured summaries plus named published results vs ``against``."""
    from kodak_eval.published import load_results
    from kodak_eval.report import report_markdown, report_row

    anchor = load_results(against)
    rows = [report_row(summary, anchor, "measured") for summary in measured]
    rows += [report_row(load_results(name), anchor, "published") for name in published]
    return report_markdown(rows, str(anchor.get("name", against)), title)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Rate-distortion evaluation of nvc and other codecs."""


@main.command()
@click.option("--images", type=click.Path(path_type=Path), help="image folder (default: Kodak, downloaded if absent)")
@click.option("--codecs", default="all", show_default=True,
              help="comma-separated codec names, or 'all' (every codec but nvc models that fit each image, e.g. "
                   "nvc-overfit); nvc-MODEL@EFFORT for an effort, nvc-MODEL@refineN for N steps of latent refinement")
@click.option("--limit", type=click.IntRange(min=1), help="only the first N images")
@click.option("--settings", "setting_lists", multiple=True, metavar="CODEC=S1,S2,...",
              help="run only these settings (qualities) of a codec; repeatable")
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="worker processes (default: one per core)")
@click.option("--against", default=DEFAULT_ANCHOR, show_default=True, help="anchor for BD-rate (published name or file)")
@click.option("--published", default=",".join(DEFAULT_PUBLISHED), show_default=True, help="published results to list")
@click.option("--memory/--no-memory", default=True, show_default=True, help="measure peak memory per codec")
@click.option("--lpips", type=click.Path(path_type=Path),
              help="folder with vgg16-397923af.pth and lpips' vgg.pth, to measure LPIPS (nothing is downloaded)")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--reuse-without-streams", is_flag=True,
              help="reuse cached results whose stream files are gone (e.g. results kept without them)")
@reports_errors
def run(images, codecs, limit, setting_lists, out, jobs, against, published, memory, lpips, progress,
        reuse_without_streams) -> None:
    """Code every image with every codec setting; write results, report.md and rd.png/svg."""
    from kodak_eval.codecs import codec_names, get_codec
    from kodak_eval.images import resolve_images
    from kodak_eval.memory import peak_memory_mib
    from kodak_eval.plots import plot_rd
    from kodak_eval.published import load_results
    from kodak_eval.report import dataset_title
    from kodak_eval.runner import default_jobs, run_codecs, write_results

    chosen = [get_codec(name) for name in (codec_names() if codecs == "all" else split_list(codecs))]
    restrict_settings(chosen, setting_lists)
    published_names = split_list(published)
    for name in (against, *published_names):  # fail now rather than after the long run
        load_results(name)
    if lpips is not None:
        from kodak_eval.perceptual import Lpips

        Lpips(lpips)
    found = resolve_images(images, progress)
    paths = found[:limit]
    records = run_codecs(chosen, paths, out, jobs or default_jobs(), progress, lpips, reuse_without_streams)
    summaries = []
    for codec in chosen:
        middle = codec.settings[len(codec.settings) // 2]
        memory_mib = peak_memory_mib(codec.name, paths[0], middle) if memory else None
        summaries.append(write_results(codec, records[codec.name], out, len(paths), memory_mib))
    title = dataset_title(summaries, len(found))
    report = comparison_table(summaries, published_names, against, title)
    (out / REPORT_FILE).write_text(report)
    plot_rd(summaries, [load_results(name) for name in published_names], out / PLOT_STEM, title)
    click.echo(report)
    click.echo(f"results, {REPORT_FILE} and {PLOT_STEM}.png/.svg in {out}")


@main.command()
@click.argument("results", nargs=-1, required=True)
@click.option("--against", default=DEFAULT_ANCHOR, show_default=True, help="anchor (published name or file)")
@reports_errors
def bdrate(results, against) -> None:
    """BD-rate table of RESULTS (results files, or published names such as 'webp') vs an anchor."""
    from kodak_eval.published import load_results

    from kodak_eval.report import dataset_title

    measured = [load_results(item) for item in results if Path(item).exists()]
    published = [item for item in results if not Path(item).exists()]
    click.echo(comparison_table(measured, published, against, dataset_title(measured)))


@main.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--published", default=",".join(DEFAULT_PUBLISHED), show_default=True, help="published curves to add")
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT / PLOT_STEM, show_default=True,
              help="output path without extension")
@reports_errors
def plot(results, published, out) -> None:
    """Draw PSNR and MS-SSIM against bpp for RESULTS files plus published curves (PNG and SVG)."""
    from kodak_eval.plots import plot_rd
    from kodak_eval.published import load_results
    from kodak_eval.report import dataset_title

    measured = [load_results(path) for path in results]
    written = plot_rd(measured, [load_results(n) for n in split_list(published)], out, dataset_title(measured))
    click.echo("wrote " + ", ".join(map(str, written)))


@main.command()
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--codecs", default="jpeg-420,webp,avif,x265-444,svtav1-420,nvc-checkerboard,nvc-hyperprior", show_default=True)
@click.option("--bpp", type=float, default=0.25, show_default=True, help="target rate")
@click.option("--crop", help="LEFT,TOP,WIDTH,HEIGHT (default: a centred 256x256 crop)")
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT / "sheet.png", show_default=True)
@reports_errors
def sheet(image, codecs, bpp, crop, out) -> None:
    """Visual comparison: the same crop of IMAGE from each codec at the setting closest to --bpp."""
    from kodak_eval.codecs import get_codec
    from kodak_eval.sheet import draw_sheet, sheet_tiles

    box = None
    if crop:
        try:
            box = tuple(int(v) for v in split_list(crop))
        except ValueError:
            box = ()
        if len(box) != 4:
            raise EvalError(f"--crop must be LEFT,TOP,WIDTH,HEIGHT, got '{crop}'")
    tiles = sheet_tiles(image, [get_codec(name) for name in split_list(codecs)], bpp, box)
    click.echo(f"wrote {draw_sheet(tiles, out, f'{image.name}, about {bpp:g} bpp')}")


@main.command()
@click.option("--image", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="default: Kodak kodim01")
@click.option("--model", default=None, help="nvc model (default: the default model)")
@click.option("--runs", type=click.IntRange(min=1), default=7, show_default=True)
@reports_errors
def speed(image, model, runs) -> None:
    """Median encode/decode time of nvc and of CompressAI's bmshj2018 hyperprior on one image."""
    from kodak_eval.images import resolve_images
    from kodak_eval.timing import run_timing, timing_markdown
    from nvc.registry import DEFAULT_MODEL, get_model_entry

    image = image or resolve_images(None)[0]
    model = model or DEFAULT_MODEL
    qualities = list(get_model_entry(model).qualities)
    click.echo(timing_markdown(run_timing(image, model, qualities[(len(qualities) - 1) // 2], runs), image, runs))


@main.command()
@click.option("--image", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="default: Kodak kodim01")
@click.option("--quality", type=click.IntRange(1, 8), default=4, show_default=True)
@click.option("--efforts", default="fast,normal,slow", show_default=True, help="comma-separated efforts to encode at")
@click.option("--steps", type=click.IntRange(min=1), default=20, show_default=True, help="timed fitting steps")
@click.option("--decodes", type=click.IntRange(min=1), default=5, show_default=True, help="timed decodes per stream")
@click.option("--out", type=click.Path(path_type=Path), default=Path("results/overfit"), show_default=True)
@reports_errors
def overfit(image, quality, efforts, steps, decodes, out) -> None:
    """The overfitted codec on one image: iteration time, encode time per effort, decode time,
    MAC/pixel, and PSNR against iterations (summary.md, curves.csv, curves.png)."""
    import numpy as np
    from PIL import Image

    from kodak_eval.images import resolve_images
    from kodak_eval.overfit import plot_curves, run_effort, step_seconds, summary_markdown, write_curves
    from nvc.overfit.presets import EFFORTS

    names = split_list(efforts)
    unknown = [name for name in names if name not in EFFORTS]
    if unknown:
        raise EvalError(f"unknown effort {', '.join(unknown)} (efforts: {', '.join(EFFORTS)})")
    image = image or resolve_images(None)[0]
    pixels = np.asarray(Image.open(image).convert("RGB"))
    seconds = step_seconds(pixels, quality, steps)
    results = [run_effort(pixels, quality, name, decodes) for name in names]
    out.mkdir(parents=True, exist_ok=True)
    write_curves(results, out / "curves.csv")
    plot_curves(results, f"nvc overfit on {image.name}, quality {quality}", out / "curves.png")
    summary = summary_markdown(image, quality, seconds, results)
    (out / "summary.md").write_text(summary)
    click.echo(summary)
    click.echo(f"summary.md, curves.csv and curves.png in {out}")


@main.command()
@click.option("--dest", type=click.Path(path_type=Path), help="folder (default: $NVC_KODAK_DIR or ~/.cache/nvc/kodak)")
@reports_errors
def download(dest) -> None:
    """Fetch the 24 Kodak images from their official source."""
    from kodak_eval.images import default_kodak_folder, download_kodak

    folder = dest or default_kodak_folder()
    download_kodak(folder)
    click.echo(f"Kodak images in {folder}")


@main.command()
@click.option("--clips", type=click.Path(path_type=Path), default=DEFAULT_CLIPS, show_default=True,
              help="folder of 8-bit 4:2:0 .y4m clips")
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_VIDEO_OUT, show_default=True)
@click.option("--codecs", default="all", show_default=True,
              help="comma-separated: x264, x265, svtav1, nvc, nvc-intra; or 'all'")
@click.option("--intra-period", type=int, default=32, show_default=True,
              help="frames from one intra frame to the next, for every codec; -1: only the first")
@click.option("--frames", type=click.IntRange(min=1), help="code at most this many frames per clip (default: all)")
@click.option("--qualities", default="2,4,6,8", show_default=True, help="nvc quality levels")
@click.option("--model", help="nvc model for the intra frames (default: nvc's default model)")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="worker processes; the cores are shared out between them")
@click.option("--progress/--no-progress", default=True, show_default=True)
@reports_errors
def video(clips, out, codecs, intra_period, frames, qualities, model, jobs, progress) -> None:
    """Code y4m clips with nvc and low-delay anchors; write <codec>.json, report.md and plots."""
    from kodak_eval.video.evaluate import VideoOptions, evaluate
    from kodak_eval.video.registry import CODEC_NAMES
    from nvc.registry import DEFAULT_MODEL

    try:
        levels = tuple(int(level) for level in split_list(qualities))
    except ValueError:
        raise EvalError(f"--qualities must be comma-separated integers, got '{qualities}'") from None
    names = tuple(CODEC_NAMES if codecs == "all" else split_list(codecs))
    report = evaluate(VideoOptions(clips, out, names, intra_period, frames, levels, model or DEFAULT_MODEL, jobs,
                                   progress))
    click.echo(report.read_text())
    click.echo(f"results, {report.name} and plots in {out}")


@main.command()
@click.option("--mutants", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_FUZZ_OUT, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="decoding processes")
@click.option("--seed", type=int, default=0, show_default=True, help="mutant n is drawn from the seed 'SEED:n'")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="seconds a mutant may take (else: a hang)")
@click.option("--memory", type=float, default=1024.0, show_default=True,
              help="MiB a mutant may add to a worker's peak memory (else: a failure)")
@click.option("--shipped/--no-shipped", default=True, show_default=True,
              help="also fuzz streams of the shipped models (slower to decode than the random-weight ones)")
@click.option("--replay", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="decode one saved mutant (with OUT's fuzzing models) and print the outcome or traceback")
@click.option("--mode", type=click.Choice(["image", "conceal", "video"]), default="image", show_default=True,
              help="with --replay: how to decode it (failures.jsonl names the mode)")
def fuzz(mutants, out, jobs, seed, timeout, memory, shipped, replay, mode) -> None:
    """Mutate valid streams with valid CRCs; every mutant must decode or raise FormatError."""
    if replay is not None:
        from kodak_eval.fuzz.campaign import replay as replay_mutant

        click.echo(replay_mutant(replay, mode, out / "models"))
        return
    from kodak_eval.fuzz.campaign import run_campaign

    options = {"--mutants": mutants, "--out": out, "--jobs": jobs, "--seed": seed, "--timeout": timeout, "--memory": memory}
    command = " ".join(["python -m kodak_eval fuzz", *(f"{name} {value}" for name, value in options.items()),
                        "--shipped" if shipped else "--no-shipped"])
    tally = run_campaign(out, mutants, jobs, seed, timeout, memory, shipped, command)
    click.echo((out / "report.md").read_text())
    if tally.failures:
        sys.exit(1)
