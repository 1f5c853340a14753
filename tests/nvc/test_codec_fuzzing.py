"""Structure-aware fuzzing, CI-sized: mutants with valid CRCs (``bitstream.mutation``) of
image, tiled, VQ and video streams decode to pixels of their header's size or raise
FormatError, nothing else. ``python -m kodak_eval fuzz`` runs the same at length, watching
for hangs and memory too."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitstream import HEAD
from bitstream.mutation import MUTATION_KINDS, mutate
from kodak_eval.fuzz.corpus import IMAGE, Seed, fuzz_models, make_seeds, register_fuzz_models, textured
from kodak_eval.fuzz.oracle import PASSES, decode_outcome
from nvc import registry
from nvc.coding import encode_pixels
from nvc.registry import DEFAULT_MODEL, model_entries
from nvc.video.chunks import PHDR

FUZZ = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RANDOM_WEIGHT_SEEDS = ["hyperprior", "checkerboard", "vq", "vq-conceal", "tiled", "tiled-vq-conceal", "video"]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Many small decodes: one torch thread spares them thread start-up and contention."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict:
    register_fuzz_models(tmp_path_factory.mktemp("fuzz-models"))
    shipped = Seed("shipped", encode_pixels(textured(32, 48), 4, DEFAULT_MODEL), IMAGE)
    yield {seed.name: seed for seed in [*make_seeds(shipped=False), shipped]}
    for model in fuzz_models():
        registry._MODELS.pop(model.name, None)


def outcome_of_a_mutant(seeds: dict, name: str, kind: str, rng) -> str:
    seed = seeds[name]
    names = tuple(entry.name.encode() for entry in model_entries())
    donors = tuple(other.data for other in seeds.values() if other.data != seed.data)
    return decode_outcome(mutate(seed.data, rng, kind, (HEAD, PHDR), names, donors).data, seed.mode)


def test_the_corpus_covers_every_seed_named_here(seeds):
    assert sorted(seeds) == sorted([*RANDOM_WEIGHT_SEEDS, "shipped"])


@pytest.mark.parametrize("kind", MUTATION_KINDS)
@pytest.mark.parametrize("name", RANDOM_WEIGHT_SEEDS)
@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_mutants_decode_or_raise_format_error(seeds, name, kind, rng):
    assert outcome_of_a_mutant(seeds, name, kind, rng) in PASSES


@pytest.mark.parametrize("kind", MUTATION_KINDS)
@settings(FUZZ, max_examples=3)
@given(rng=st.randoms(use_true_random=False))
def test_mutants_of_a_default_model_stream_decode_or_raise_format_error(seeds, kind, rng):
    assert outcome_of_a_mutant(seeds, "shipped", kind, rng) in PASSES
