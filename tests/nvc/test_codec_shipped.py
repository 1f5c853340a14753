"""The shipped models: their weights load offline, match the registry and code images and video."""

import io
import json
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

import nvc
from nvc.architectures import architecture_config
from nvc.image.codec import load_model
from nvc.registry import DEFAULT_MODEL, WEIGHTS_DIR, get_model_entry, model_entries
from nvc.video.codec import PREDICTED, VideoParameters, decode_frames, encode_video, read_video
from nvc.weights import file_digest

SAMPLE = "samples/kodim23.png"
SHIPPED = [entry.name for entry in model_entries() if entry.weights is not None and entry.weights.parent == WEIGHTS_DIR]


def test_the_default_and_the_inter_model_are_shipped():
    assert {DEFAULT_MODEL, "inter"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_weights_match_the_registry(name):
    entry = get_model_entry(name)
    assert entry.weights.exists()
    assert file_digest(entry.weights) == entry.digest
    assert load_model(name).network.config == entry.config


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_manifests_name_the_registry_config(name):
    """The manifest beside the weights records what they were trained as, lambdas included
    (the encoder's refinement and ``--init-from`` read them): it must be the registry's."""
    entry = get_model_entry(name)
    manifest = json.loads(entry.weights.with_suffix(".json").read_text())
    assert manifest["sha256"] == entry.sha256
    assert architecture_config(manifest["config"]["architecture"], manifest["config"]["model"]) == entry.config


def test_shipped_p_frames_of_a_panning_shot_are_cheap_and_faithful():
    scene = np.asarray(Image.open(SAMPLE).convert("RGB"))
    # 192x128, not smaller: at 128x96 the chunk headers and motion side information are
    # ~40% of a P-frame, so the test would measure container overhead, not prediction.
    frames = [np.ascontiguousarray(scene[100:228, 200 + 3 * t : 392 + 3 * t]) for t in range(3)]
    out = io.BytesIO()
    encode_video(frames, out, VideoParameters(Fraction(25)), 4, DEFAULT_MODEL)
    header, parameters, coded = read_video(io.BytesIO(out.getvalue()))
    coded = list(coded)
    sizes = [(frame.info.frame_type, sum(c.size_on_disk for c in frame.chunks)) for frame in coded]
    assert all(size < sizes[0][1] / 2 for kind, size in sizes if kind == PREDICTED)
    for decoded, frame in zip(decode_frames(header, iter(coded), parameters), frames):
        assert 10 * np.log10(255**2 / np.mean((decoded.astype(float) - frame) ** 2)) > 28


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
