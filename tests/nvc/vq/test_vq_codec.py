"""Coding with a VQ model: round trips, thread determinism, damage, `nvc info`, and no
hyperprior-family code loaded to decode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

import nvc
from bitstream import FormatError
from cli.main import main
from kodak_eval.fuzz.corpus import spread_indices
from nvc import registry
from bitstream import read_container
from bitstream.framing import PRELUDE_SIZE
from nvc.tensors import pixels_to_tensor
from nvc.vq.config import VQConfig
from nvc.registry import get_model_entry
from nvc.vq.codec import decode_indices, load_vq

TINY = VQConfig(channels=16, code_dimension=4, codebook_size=64, stages=4, sub_codebooks=(4, 16),
                prior_channels=16, embedding_channels=8)


@pytest.fixture(scope="module")
def vq_model(register_network) -> str:
    yield register_network("test-vq", TINY, 5, spread_indices, "tiny VQ test model", family="vq")
    registry._MODELS.pop("test-vq", None)


@pytest.fixture(scope="module")
def image(textured_image) -> np.ndarray:
    return textured_image[:, :128]


@pytest.mark.parametrize("size", [(1, 1), (17, 33), (96, 128)])
@pytest.mark.parametrize("quality", [1, 2, 3])
def test_round_trip(vq_model, image, size, quality):
    pixels = image[: size[0], : size[1]]
    data = nvc.encode(pixels, quality=quality, model=vq_model)
    assert nvc.decode(data).shape == pixels.shape
    assert nvc.read_header(data).quality == quality


def test_rate_grows_with_codebook_size(vq_model, image):
    sizes = [len(nvc.encode(image, quality=q, model=vq_model)) for q in (1, 2, 3)]
    assert sizes[0] < sizes[1] < sizes[2]


def test_decoder_reproduces_the_indices_with_other_thread_count(vq_model, image):
    """The indices must match exactly; the synthesis is float and may differ by rounding."""
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        data = nvc.encode(image, quality=3, model=vq_model)
        network = load_vq(vq_model)
        with torch.no_grad():
            encoded = network.indices(pixels_to_tensor(image, network.downsampling), 2)[0]
        torch.set_num_threads(2)
        decoded, _ = decode_indices(read_container(data), vq_model)
    finally:
        torch.set_num_threads(previous)
    assert torch.unique(encoded).numel() > 8
    assert torch.equal(decoded, encoded)


def test_damaged_index_chunk_is_a_format_error(vq_model, image):
    data = bytearray(nvc.encode(image, quality=3, model=vq_model))
    start = data.index(b"VQIX") + 8
    data[start] ^= 0xFF
    with pytest.raises(FormatError, match="CRC mismatch in chunk VQIX"):
        nvc.decode(bytes(data))


def test_quality_out_of_range(vq_model, image):
    with pytest.raises(nvc.CodecError, match="quality 4 is out of range"):
        nvc.encode(image, quality=4, model=vq_model)


def test_info_shows_codebook_and_index_bits(vq_model, image, tmp_path):
    stream = tmp_path / "x.nvc"
    stream.write_bytes(nvc.encode(image, quality=2, model=vq_model))
    result = CliRunner().invoke(main, ["info", str(stream)])
    assert result.exit_code == 0
    assert "VQIX" in result.output and "codebook:       16 entries (4 bits per index uncoded)" in result.output
    bits = float(result.output.split("index bits:")[1].split()[0])
    assert 0 < bits < 8


def band_chunk_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each VQIX chunk's data in a stream."""
    spans, offset = [], PRELUDE_SIZE
    while offset < len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        if data[offset + 4 : offset + 8] == b"VQIX":
            spans.append((offset + 8, offset + 8 + length))
        offset += 12 + length
    return spans


@pytest.fixture(scope="module")
def tall_image(textured_image) -> np.ndarray:
    return np.concatenate([textured_image, textured_image[::-1]], axis=0)  # 192 px: 12 index rows, 3 bands


def test_one_chunk_per_band(vq_model, tall_image):
    data = nvc.encode(tall_image, quality=3, model=vq_model)
    assert len(band_chunk_spans(data)) == 3


def test_a_damaged_band_is_concealed_and_reported(vq_model, tall_image):
    data = nvc.encode(tall_image, quality=3, model=vq_model)
    intact, _ = decode_indices(read_container(data), vq_model)
    start, end = band_chunk_spans(data)[1]
    damaged = bytearray(data)
    damaged[(start + end) // 2] ^= 0x55
    with pytest.raises(FormatError, match="CRC mismatch in chunk VQIX"):
        nvc.decode(bytes(damaged))
    with pytest.warns(nvc.ConcealedDamage) as caught:
        pixels = nvc.decode(bytes(damaged), conceal=True)
    assert pixels.shape == tall_image.shape
    messages = [str(w.message) for w in caught]
    assert any("failed its CRC" in m for m in messages) and any("1 of 3 index bands" in m for m in messages)
    concealed, _ = decode_indices(read_container(bytes(damaged), salvage=frozenset({b"VQIX"})), vq_model, conceal=True)
    assert torch.equal(concealed[:4], intact[:4]) and torch.equal(concealed[8:], intact[8:])  # other bands intact


def test_a_truncated_stream_keeps_its_complete_bands(vq_model, tall_image, tmp_path):
    data = nvc.encode(tall_image, quality=3, model=vq_model)
    cut = data[: band_chunk_spans(data)[2][0] + 3]  # inside the last band
    with pytest.raises(FormatError, match="truncated"):
        nvc.decode(cut)
    source, out = tmp_path / "cut.nvc", tmp_path / "out.png"
    source.write_bytes(cut)
    result = CliRunner().invoke(main, ["decompress", "--conceal", str(source), str(out)])
    assert result.exit_code == 0 and out.exists()
    assert "nvc: warning: damaged stream, concealed: stream unreadable after" in result.output
    assert "1 of 3 index bands were lost" in result.output
    quiet = CliRunner().invoke(main, ["decompress", "--conceal", "--quiet", str(source), str(out)])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_hyperprior_streams_cannot_be_concealed(tiny_model, image):
    data = bytearray(nvc.encode(image, quality=1, model=tiny_model))
    data[-20] ^= 0x01
    with pytest.raises(FormatError):
        nvc.decode(bytes(data), conceal=True)


DECODE_ALONE = """
import sys
from pathlib import Path
from nvc.registry import ModelEntry, register_model
from nvc.vq.config import VQConfig
register_model(ModelEntry({name!r}, "0", "vq", Path({weights!r}), {sha256!r}, VQConfig(**{config!r})))
import nvc
print(nvc.decode(Path({stream!r}).read_bytes()).shape)
print(*sorted(m for m in sys.modules if m.startswith(("nvc.image", "compressai"))))
"""


def test_decoding_a_vq_stream_loads_no_hyperprior_code(vq_model, image, tmp_path):
    """The family table imports only the stream's family: no hyperprior networks, no compressai."""
    stream = tmp_path / "vq.nvc"
    stream.write_bytes(nvc.encode(image, quality=2, model=vq_model))
    entry = get_model_entry(vq_model)
    code = DECODE_ALONE.format(name=vq_model, weights=str(entry.weights), sha256=entry.sha256,
                               config=entry.config.to_dict(), stream=str(stream))
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3],
                         capture_output=True, text=True, check=True)
    shape, modules = run.stdout.splitlines()
    assert shape == str(image.shape)
    assert modules.split() == ["nvc.image", "nvc.image.chunks", "nvc.image.config"]


def test_effort_is_refused_by_models_that_do_not_search(tmp_path, vq_model, image):
    from PIL import Image

    source = tmp_path / "in.png"
    Image.fromarray(image).save(source)
    result = CliRunner().invoke(main, ["compress", str(source), str(tmp_path / "x.nvc"), "--model", vq_model, "-q", "2", "--effort", "slow"])
    assert result.exit_code == 1
    assert "has no effort 'slow'" in result.stderr
    assert not (tmp_path / "x.nvc").exists()
