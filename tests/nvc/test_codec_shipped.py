"""The shipped default model: its weights load offline, match the registry and code images."""

import numpy as np
from PIL import Image

import nvc
from nvc.codec import load_model
from nvc.registry import DEFAULT_MODEL, get_model_entry
from nvc.weights import file_digest

SAMPLE = "samples/kodim23.png"


def test_shipped_weights_match_the_registry():
    entry = get_model_entry(DEFAULT_MODEL)
    assert entry.weights.exists()
    assert file_digest(entry.weights) == entry.digest
    assert load_model(DEFAULT_MODEL).network.config == entry.config


def test_shipped_model_codes_a_photo_at_the_lowest_and_highest_quality():
    crop = np.asarray(Image.open(SAMPLE).convert("RGB"))[100:196, 200:328]
    sizes = []
    for quality in (1, 8):
        data = nvc.encode(crop, quality=quality)
        decoded = nvc.decode(data)
        mse = np.mean((decoded.astype(float) - crop) ** 2)
        assert decoded.shape == crop.shape
        assert 10 * np.log10(255**2 / mse) > 22  # a trained model, not noise
        sizes.append(len(data))
    assert sizes[0] < sizes[1]
