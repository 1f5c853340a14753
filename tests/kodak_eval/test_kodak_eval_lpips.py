"""LPIPS from local weight files: loading, behaviour on synthetic weights, and clear errors.

The real weights cannot be downloaded here, so these tests build files with the same keys
and shapes as torchvision's VGG16 and lpips' v0.1 linear layers, filled with random
(positive, for the linear layers, as in the trained ones) values.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from kodak_eval.cli import main
from kodak_eval.errors import EvalError
from kodak_eval.perceptual import BACKBONE_FILE, LINEAR_FILE, Lpips, vgg16_features


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lpips")
    torch.manual_seed(0)
    features = vgg16_features()
    backbone = {f"features.{k}": v for k, v in features.state_dict().items()}
    backbone["classifier.0.weight"] = torch.zeros(2, 2)  # torchvision's file has more than features
    torch.save(backbone, folder / BACKBONE_FILE)
    widths = [64, 128, 256, 512, 512]
    torch.save({f"lin{i}.model.1.weight": torch.rand(1, w, 1, 1) for i, w in enumerate(widths)}, folder / LINEAR_FILE)
    return folder


def image(seed: int, size=(48, 64)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)


def test_identical_images_score_zero_and_different_ones_more(weights):
    lpips = Lpips(weights)
    reference = image(0)
    assert lpips(reference, reference.copy()) == pytest.approx(0.0, abs=1e-9)
    slightly = np.clip(reference.astype(int) + 8, 0, 255).astype(np.uint8)
    far = lpips(reference, image(1))
    assert 0.0 < lpips(reference, slightly) < far
    assert far == pytest.approx(lpips(image(1), reference), rel=1e-5)
    assert math.isnan(lpips(reference[:8], reference[:8]))


def test_missing_or_wrong_files_are_clear_errors(weights, tmp_path):
    with pytest.raises(EvalError, match=f"{LINEAR_FILE} is missing .nothing is downloaded"):
        (tmp_path / BACKBONE_FILE).write_bytes((weights / BACKBONE_FILE).read_bytes())
        Lpips(tmp_path)
    torch.save({"lin0.model.1.weight": torch.rand(1, 3, 1, 1)}, tmp_path / LINEAR_FILE)
    with pytest.raises(EvalError, match="do not fit"):
        Lpips(tmp_path)


def test_run_measures_lpips_when_pointed_at_weights(weights, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    Image.fromarray(image(2)).save(images / "a.png")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--images", str(images), "--codecs", "jpeg-420", "--out", str(out),
                                       "--jobs", "1", "--no-memory", "--no-progress", "--lpips", str(weights)])
    assert result.exit_code == 0, result.output
    lpips = json.loads((out / "jpeg-420.json").read_text())["results"]["lpips"]
    assert all(value > 0 for value in lpips) and lpips[0] > lpips[-1]  # worse at the lowest quality

    plain = CliRunner().invoke(main, ["run", "--images", str(images), "--codecs", "jpeg-420", "--out", str(out),
                                      "--jobs", "1", "--no-memory", "--no-progress"])
    assert plain.exit_code == 0
    assert "lpips" not in json.loads((out / "jpeg-420.json").read_text())["results"]

    missing = CliRunner().invoke(main, ["run", "--images", str(images), "--out", str(out), "--lpips", str(tmp_path)])
    assert missing.exit_code == 1 and "LPIPS needs" in missing.output
