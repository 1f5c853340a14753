"""Coding with a VQ model: round trips, thread determinism, damage, and `nvc info`."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from click.testing import CliRunner

import nvc
from bitstream import FormatError
from cli.main import main
from nvc import registry
from bitstream import read_container
from nvc.pixels import pixels_to_tensor
from nvc.vq import VQConfig
from nvc.vq_codec import decode_indices, load_vq

TINY = VQConfig(channels=16, code_dimension=4, codebook_size=64, stages=4, sub_codebooks=(4, 16),
                prior_channels=16, embedding_channels=8)


def spread(network) -> None:
    """Larger latents and non-uniform priors, so indices and their probabilities vary."""
    network.encoder[-1].weight.mul_(20.0)
    for prior in network.priors:
        prior.context[-1].weight.normal_(0.0, 0.3)
        prior.anchor_logits.normal_(0.0, 1.0)
    network.derive_sub_codebooks()


@pytest.fixture(scope="module")
def vq_model(register_network) -> str:
    yield register_network("test-vq", TINY, 5, spread, "tiny VQ test model")
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
        decoded = decode_indices(read_container(data), vq_model)
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
