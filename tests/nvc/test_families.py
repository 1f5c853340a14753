"""The model-family seam: the dispatch table, chunk types registered by their owners, lazy
family imports, encode options, and a new family added as a package, a table line and a
registry entry."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nvc
from bitstream import CHUNK_TYPES, CONTAINER_TYPES, chunk_types
from cli.main import main
from nvc import families, registry
from nvc.coding import encode_pixels
from nvc.errors import CodecError
from nvc.families import CHUNK_OWNERS, family_chunks, family_for
from nvc.family import EncodeOptions, ModelFamily
from nvc.image.config import HyperpriorConfig
from nvc.registry import FAMILIES, ModelEntry, get_model_entry, model_entries, register_model

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_module_holds_its_family_object(name):
    family = importlib.import_module(f"{FAMILIES[name]}.family").FAMILY
    assert isinstance(family, ModelFamily)
    assert family.chunk_types == family_chunks(name).CHUNK_TYPES
    assert family.concealable == family_chunks(name).CONCEALABLE <= set(family.chunk_types)


def test_every_registered_model_is_coded_by_its_family(tiny_model):
    for entry in model_entries():
        assert family_for(entry) is importlib.import_module(f"{FAMILIES[entry.family]}.family").FAMILY
    assert get_model_entry(tiny_model).family == "hyperprior"


def test_a_model_of_an_unknown_family_is_refused():
    with pytest.raises(CodecError, match="names family 'nope', which nvc does not have"):
        register_model(ModelEntry("x", "0", "nope", None, "00" * 32, HyperpriorConfig()))
    assert "x" not in {entry.name for entry in model_entries()}


def test_importing_nvc_registers_every_owners_chunk_types_once():
    owned = [importlib.import_module(f"{owner}.chunks").CHUNK_TYPES for owner in CHUNK_OWNERS]
    assert sum(len(types) for types in owned) == len(set().union(*owned))  # no type has two owners
    assert CHUNK_TYPES == {**CONTAINER_TYPES, **{t: d for types in owned for t, d in types.items()}}
    importlib.reload(importlib.import_module("nvc.vq.chunks"))  # registering again is harmless
    assert CHUNK_TYPES == {**CONTAINER_TYPES, **{t: d for types in owned for t, d in types.items()}}


def test_a_family_without_efforts_refuses_one_naming_the_model(tiny_model, photo_like):
    class NoEfforts(type(family_for(get_model_entry(tiny_model)))):
        efforts = ()

    with pytest.raises(CodecError, match=r"model 'test-tiny' has no effort 'slow' \(efforts: none\)"):
        NoEfforts().check_options(get_model_entry(tiny_model), EncodeOptions(effort="slow"))
    with pytest.raises(CodecError, match=r"model 'test-tiny' has no effort 'turbo' \(efforts: fast, normal, slow\)"):
        encode_pixels(photo_like, 4, tiny_model, options=EncodeOptions(effort="turbo"))
    assert encode_pixels(photo_like, 4, tiny_model, options=EncodeOptions()) == nvc.encode(photo_like, 4, tiny_model)


def test_a_family_accepts_its_own_efforts_only(tiny_model):
    class Efforts(type(family_for(get_model_entry(tiny_model)))):
        efforts = ("fast", "slow")

    entry = get_model_entry(tiny_model)
    Efforts().check_options(entry, EncodeOptions(effort="fast"))
    with pytest.raises(CodecError, match=r"has no effort 'turbo' \(efforts: fast, slow\)"):
        Efforts().check_options(entry, EncodeOptions(effort="turbo"))


LIGHT_IMPORT = """
import sys
import nvc
header = nvc.read_header(open({path!r}, "rb").read())
print(header.model)
print(*sorted(m for m in sys.modules if m.startswith(("nvc", "compressai"))))
"""


def test_reading_a_header_imports_no_family_code(tmp_path, tiny_model, photo_like):
    """``import nvc`` and ``read_header`` load the families' chunk declarations and configs, no codec
    (generic code such as ``nvc.tiles`` may load: it is no family's)."""
    path = tmp_path / "image.nvc"
    path.write_bytes(nvc.encode(photo_like, 2, tiny_model))
    run = subprocess.run([sys.executable, "-c", LIGHT_IMPORT.format(path=str(path))], cwd=REPO,
                         capture_output=True, text=True, check=True)
    model, modules = run.stdout.splitlines()
    assert model == tiny_model
    loaded = set(modules.split())
    assert {f"{owner}.chunks" for owner in CHUNK_OWNERS} <= loaded
    packages = tuple(f"{package}." for package in (*FAMILIES.values(), "nvc.video"))
    family_modules = {m for m in loaded if m.startswith((*packages, "compressai"))}
    assert all(name.endswith((".chunks", ".config")) for name in family_modules), family_modules


STUB_CHUNKS = '''
from bitstream import register_chunk_types

RAWP = b"RAWP"
CHUNK_TYPES = {RAWP: "the pixels, uncompressed"}
CONCEALABLE = frozenset()
register_chunk_types(CHUNK_TYPES)
'''

STUB_FAMILY = '''
import numpy as np

from bitstream import Chunk
from nvc.family import DecodedImage, ModelFamily
from stubfamily.chunks import CHUNK_TYPES, RAWP


class RawFamily(ModelFamily):
    chunk_types = CHUNK_TYPES

    def load(self, entry):
        pass

    def encode(self, entry, pixels, quality, options):
        return [Chunk(RAWP, pixels.tobytes())]

    def decode(self, entry, container, conceal):
        header = container.header
        pixels = np.frombuffer(container.chunk(RAWP).data, np.uint8).reshape(header.height, header.width, 3)
        return DecodedImage(pixels, header)

    def describe(self, entry, container):
        return [("stored", "raw")]


FAMILY = RawFamily()
'''


@pytest.fixture
def stub_family(tmp_path, monkeypatch):
    """A family added as nvc's docs say: its package, one table line, one registry entry."""
    package = tmp_path / "stubfamily"
    package.mkdir()
    (package / "chunks.py").write_text(textwrap.dedent(STUB_CHUNKS))
    (package / "family.py").write_text(textwrap.dedent(STUB_FAMILY))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(chunk_types, "CHUNK_TYPES", dict(chunk_types.CHUNK_TYPES))
    monkeypatch.setitem(FAMILIES, "raw", "stubfamily")
    register_model(ModelEntry("raw-test", "0", "raw", None, "ab" * 32, HyperpriorConfig(quality_levels=1)))
    yield "raw-test"
    registry._MODELS.pop("raw-test")
    for module in ("stubfamily", "stubfamily.chunks", "stubfamily.family"):
        sys.modules.pop(module, None)


def test_a_new_family_is_a_package_a_table_line_and_a_registry_entry(stub_family, photo_like, tmp_path):
    data = nvc.encode(photo_like, 1, stub_family)
    assert np.array_equal(nvc.decode(data), photo_like)
    assert families.concealable_chunk_types() == frozenset({b"VQIX"})
    path = tmp_path / "raw.nvc"
    path.write_bytes(data)
    output = CliRunner().invoke(main, ["info", str(path)]).output
    assert "  RAWP" in output and output.endswith("stored:         raw\n")
