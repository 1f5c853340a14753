"""The overfitted family end to end: round trip, determinism, damaged streams."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import nvc
from bitstream import FormatError, read_container, write_container
from bitstream.framing import Chunk
from nvc.overfit.chunks import ONET
from nvc.overfit.config import OverfitConfig
from nvc.overfit.context import context_offsets
from nvc.overfit.fixed_point import FixedPointArm
from nvc.overfit.latent_coding import coding_order, decode_latents, encode_latents
from nvc.coding import describe_stream
from nvc.overfit.model import grid_shapes
from nvc.overfit.presets import WIDE_CONTEXT, WIDE_CONTEXT_FROM
from nvc.overfit.stream import unpack_network_header
from nvc.registry import get_model_entry

REPO = Path(__file__).resolve().parents[3]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return 10 * np.log10(255**2 / np.mean((a.astype(float) - b.astype(float)) ** 2))


def test_round_trip(overfit_image, overfit_stream):
    decoded = nvc.decode(overfit_stream)
    assert decoded.shape == overfit_image.shape and decoded.dtype == np.uint8
    assert psnr(decoded, overfit_image) > 26  # 29 dB at 0.5 bpp when written (the networks cost most of the bits)
    header = nvc.read_header(overfit_stream)
    assert (header.model, header.width, header.height, header.quality) == ("overfit", 56, 40, 4)
    chunks = [chunk.name for chunk in read_container(overfit_stream).chunks]
    assert chunks == ["ONET"] + ["OLAT"] * 7


def test_rate_grows_with_quality(overfit_image, overfit_stream, tiny_effort):
    low = nvc.encode(overfit_image, quality=1, model="overfit", effort=tiny_effort)
    assert len(low) < len(overfit_stream)


def test_high_qualities_fit_an_arm_with_the_wide_context(overfit_image, overfit_stream, tiny_effort):
    high = nvc.encode(overfit_image, quality=WIDE_CONTEXT_FROM, model="overfit", effort=tiny_effort)
    contexts = [unpack_network_header(read_container(s).chunk(ONET).data)[0].context for s in (overfit_stream, high)]
    assert contexts == [OverfitConfig().context, WIDE_CONTEXT] and WIDE_CONTEXT != OverfitConfig().context
    assert psnr(nvc.decode(high), overfit_image) > psnr(nvc.decode(overfit_stream), overfit_image)


def random_arm(rng: np.random.Generator, context: int) -> FixedPointArm:
    hidden = tuple((rng.integers(-300, 300, (context, context)).astype(float), rng.integers(-5000, 5000, context).astype(float))
                   for _ in range(2))
    return FixedPointArm(hidden, rng.integers(-300, 300, (2, context)).astype(float), np.array([0.0, 2000.0]), 8)


def test_fixed_point_arm_is_independent_of_batching():
    rng = np.random.default_rng(0)
    arm = random_arm(rng, 16)
    contexts = rng.integers(-40, 40, (5000, 16)).astype(float)
    whole = arm(contexts)
    parts = [arm(contexts[i : i + 37]) for i in range(0, 5000, 37)]
    reversed_order = arm(contexts[::-1].copy())
    for index in range(2):
        assert np.array_equal(whole[index], np.concatenate([p[index] for p in parts]))
        assert np.array_equal(whole[index], reversed_order[index][::-1])


@pytest.mark.parametrize("height, width", [(70, 150), (9, 1), (2, 33)])  # narrow grids leave fronts empty
def test_latent_coding_round_trip_and_thread_independence(height, width):
    rng = np.random.default_rng(1)
    shapes = grid_shapes(height, width, 4)
    order = coding_order(shapes, context_offsets(12), tile=16)
    arm = random_arm(rng, 12)
    grids = [np.round(rng.laplace(0, 1.5, shape)).astype(np.int32) for shape in shapes]
    grids[3][:] = 2  # a constant grid has no stream
    coded = encode_latents(grids, arm, order)
    assert coded[3] == (2, 2, b"")
    threads = torch.get_num_threads()
    try:
        decoded = []
        for count in (1, 2):
            torch.set_num_threads(count)
            decoded.append(decode_latents(coded, arm, order))
    finally:
        torch.set_num_threads(threads)
    for grid, first, second in zip(grids, *decoded):
        assert np.array_equal(grid, first) and np.array_equal(grid, second)


DECODE_IN_CHILD = """
import sys, numpy as np, nvc
np.save(sys.argv[2], nvc.decode(open(sys.argv[1], 'rb').read()))
assert not any(name.split('.')[0] in ('compressai', 'torch_geometric') for name in sys.modules), 'compressai imported'
"""


def test_another_process_decodes_the_same_pixels_without_compressai(tmp_path, overfit_stream):
    stream = tmp_path / "image.nvc"
    stream.write_bytes(overfit_stream)
    expected = nvc.decode(overfit_stream)
    for threads in ("1", "2"):
        out = tmp_path / f"pixels{threads}.npy"
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads}
        subprocess.run([sys.executable, "-c", DECODE_IN_CHILD, str(stream), str(out)], cwd=REPO, env=env, check=True)
        assert np.array_equal(np.load(out), expected)


def rewritten(stream: bytes, edit) -> bytes:
    """The stream with its payload chunks passed through ``edit`` (CRCs recomputed)."""
    container = read_container(stream)
    return write_container(container.header, edit(list(container.chunks)))


def test_damaged_streams_give_format_errors(overfit_stream):
    with pytest.raises(FormatError):
        nvc.decode(overfit_stream[: len(overfit_stream) // 2])
    flipped = bytearray(overfit_stream)
    flipped[len(flipped) // 2] ^= 0x10
    with pytest.raises(FormatError):
        nvc.decode(bytes(flipped))
    with pytest.raises(FormatError):
        nvc.decode(rewritten(overfit_stream, lambda chunks: chunks[:-1]))  # a grid missing
    with pytest.raises(FormatError):
        nvc.decode(rewritten(overfit_stream, lambda chunks: chunks + chunks[-1:]))  # a grid twice
    with pytest.raises(FormatError):
        nvc.decode(rewritten(overfit_stream, lambda chunks: [Chunk(b"ONET", bytes([2]) + chunks[0].data[1:])] + chunks[1:]))
    with pytest.raises(FormatError):
        nvc.decode(rewritten(overfit_stream, lambda chunks: [Chunk(b"ONET", chunks[0].data[:5])] + chunks[1:]))


def test_forged_networks_and_grids_give_format_errors_in_decode_and_info(overfit_stream):
    def arm_shifts(weight: int, bias: int):
        def edit(chunks):
            data = bytearray(chunks[0].data)
            data[5:7] = bytes([weight, bias])  # the ARM's shifts follow the 5-byte architecture
            return [Chunk(b"ONET", bytes(data))] + chunks[1:]
        return edit

    with pytest.raises(FormatError, match="ARM bias step"):
        nvc.decode(rewritten(overfit_stream, arm_shifts(2, 11)))  # finer than weight step + 8 fraction bits
    empty_grid = rewritten(overfit_stream, lambda chunks: chunks[:-1] + [Chunk(b"OLAT", b"")])
    entry = get_model_entry("overfit")
    for stream in (empty_grid, rewritten(overfit_stream, lambda chunks: [Chunk(b"ONET", chunks[0].data[:6])] + chunks[1:])):
        with pytest.raises(FormatError):
            nvc.decode(stream)
        with pytest.raises(FormatError):
            describe_stream(entry, read_container(stream))
    lines = dict(describe_stream(entry, read_container(overfit_stream)))
    assert int(lines["network bytes"]) == len(read_container(overfit_stream).chunks[0].data)
    assert [name for name in lines if name.startswith("grid")] == [f"grid {level} bytes" for level in range(7)]


def test_decoding_leaves_the_callers_random_state_alone(overfit_stream):
    state = torch.random.get_rng_state()
    nvc.decode(overfit_stream)
    assert torch.equal(state, torch.random.get_rng_state())


def test_payload_mutations_decode_or_fail_cleanly(overfit_stream, overfit_image):
    rng = np.random.default_rng(7)
    for _ in range(30):
        def mutate(chunks):
            index = int(rng.integers(len(chunks)))
            data = bytearray(chunks[index].data)
            if data:
                position = int(rng.integers(len(data)))
                data[position] = int(rng.integers(256))
            chunks[index] = Chunk(chunks[index].type, bytes(data))
            return chunks

        try:
            decoded = nvc.decode(rewritten(overfit_stream, mutate))
        except FormatError:
            continue
        assert decoded.shape == overfit_image.shape
