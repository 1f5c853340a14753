"""Concealment fills in lost bands only while at least half of a VQ stream's bands decode:
a forged, larger size must not make the decoder invent a whole picture (and its memory)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import nvc
from bitstream import FormatError, read_container, write_container
from nvc import registry
from nvc.vq.config import VQConfig

CONFIG = VQConfig(channels=16, code_dimension=4, codebook_size=64, stages=4, sub_codebooks=(4, 16),
                  prior_channels=16, embedding_channels=8)


@pytest.fixture(scope="module")
def stream(register_network, textured_image) -> bytes:
    name = register_network("test-vq-conceal", CONFIG, 5, family="vq")
    yield nvc.encode(textured_image[:, :64], quality=2, model=name)  # 96x64: 6x4 indices, 2 bands
    registry._MODELS.pop(name, None)


def resized(data: bytes, width: int, height: int) -> bytes:
    container = read_container(data)
    return write_container(dataclasses.replace(container.header, width=width, height=height), container.chunks)


@pytest.mark.parametrize("width, height", [(2048, 2048), (64, 2048), (64, 288)])
def test_a_forged_larger_size_is_refused_even_when_concealing(stream, width, height):
    with pytest.raises(FormatError, match="index bands are lost: too many to conceal"):
        nvc.decode(resized(stream, width, height), conceal=True)


def test_half_the_bands_lost_are_still_concealed(stream):
    container = read_container(stream)
    one_band = write_container(container.header, container.chunks[:1])
    with pytest.warns(nvc.ConcealedDamage, match="1 of 2 index bands were lost"):
        assert nvc.decode(one_band, conceal=True).shape == (96, 64, 3)
