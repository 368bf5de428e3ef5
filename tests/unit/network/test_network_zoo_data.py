"""The shipped, torch-free zoo data (ppa_sim/network/zoo_layers.json).

The torch definitions in ppa_sim/network/models.py stay the source of truth: the shipped
file must equal a fresh trace of every network (a models.py / torch_import.py change
without ``make zoo`` fails here), a stale, missing or broken file is never used (the zoo
traces instead and warns), and a zoo estimate through the API / CLI does not import torch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.network import Layer, Network, zoo

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def fresh_zoo_cache():
    """Empty the zoo caches before and after a test that points the zoo at other data."""
    zoo._shipped.cache_clear()
    zoo._build.cache_clear()
    yield
    zoo._shipped.cache_clear()
    zoo._build.cache_clear()


@pytest.fixture
def shipped_trace(monkeypatch):
    """zoo.trace answered from the shipped data (fast), recording the names asked for."""
    raw, problem = zoo.read_data()
    assert problem is None, problem
    calls: list[str] = []

    def fake_trace(name: str) -> Network:
        calls.append(name)
        return zoo._network_from_raw(raw[name])

    monkeypatch.setattr(zoo, "trace", fake_trace)
    return calls


# ------------------------------------------------------------------ shipped == trace
@pytest.mark.parametrize("name", zoo.names())
def test_shipped_data_equals_fresh_trace(name: str) -> None:
    raw, problem = zoo.read_data()
    assert problem is None, f"{problem}; regenerate with: {zoo.REGENERATE}"
    assert name in raw, f"{name} missing from {zoo.DATA_FILE}; regenerate with: {zoo.REGENERATE}"
    shipped, traced = zoo._network_from_raw(raw[name]), zoo.trace(name)
    # repr compares every Layer/Network field including its type (True vs 1, tuple vs list)
    assert repr(shipped) == repr(traced), (
        f"{zoo.DATA_FILE.name} differs from tracing models.{name}(); "
        f"regenerate with: {zoo.REGENERATE}")
    assert zoo.get(name) == traced


def test_regeneration_reproduces_the_shipped_file_byte_for_byte(tmp_path, shipped_trace) -> None:
    out = tmp_path / "zoo_layers.json"
    assert zoo.main(["--write", "--path", str(out)]) == 0
    assert shipped_trace == zoo.names()  # every network traced, in display order
    assert out.read_bytes() == zoo.DATA_FILE.read_bytes()
    assert zoo.main(["--check", "--path", str(out)]) == 0


def test_check_names_the_changed_network_and_the_command(tmp_path, shipped_trace,
                                                         capsys) -> None:
    doc = json.loads(zoo.DATA_FILE.read_text())
    doc["networks"]["resnet20"]["layers"][0][6] += 1  # out_channels of the first conv
    out = tmp_path / "zoo_layers.json"
    out.write_text(json.dumps(doc))
    assert zoo.main(["--check", "--path", str(out)]) == 1
    err = capsys.readouterr().err
    assert "resnet20" in err and "vgg8" not in err and "make zoo" in err


# ------------------------------------------------------------------ fingerprint
def test_fingerprint_follows_the_model_and_tracer_sources(tmp_path) -> None:
    src = Path(zoo.__file__).parent
    for name in ("models.py", "torch_import.py"):
        (tmp_path / name).write_bytes((src / name).read_bytes())
    assert zoo.fingerprint(tmp_path) == zoo.fingerprint()
    crlf = (src / "models.py").read_bytes().replace(b"\n", b"\r\n")
    (tmp_path / "models.py").write_bytes(crlf)
    assert zoo.fingerprint(tmp_path) == zoo.fingerprint()  # line endings do not matter
    for name in ("models.py", "torch_import.py"):
        (tmp_path / name).write_bytes((src / name).read_bytes() + b"\n# edited\n")
        assert zoo.fingerprint(tmp_path) != zoo.fingerprint(), name
        (tmp_path / name).write_bytes((src / name).read_bytes())


def test_schema_text_lists_every_field_without_memory_addresses() -> None:
    text = zoo._schema_text(Layer) + zoo._schema_text(Network)
    for f in ("in_shape", "weight_bits", "folded_into", "matmul_dims", "input_shape", "meta"):
        assert f".{f}: " in text
    assert "0x" not in text  # stable across processes (default_factory shown by name)
    assert "Layer.groups: int = 1" in text


# ------------------------------------------------------------------ never stale data
def _copy_with(tmp_path: Path, **changes: object) -> Path:
    doc = json.loads(zoo.DATA_FILE.read_text())
    doc.update(changes)
    p = tmp_path / "zoo_layers.json"
    p.write_text(json.dumps(doc))
    return p


@pytest.mark.parametrize("case,match", [
    ("stale", "stale"), ("missing", "missing"), ("broken", "unreadable"),
    ("format", "not a ppa_sim.zoo_layers/1 file"), ("fields", "other layer fields")])
def test_unusable_data_is_not_used_and_the_zoo_traces(case, match, tmp_path, monkeypatch,
                                                      fresh_zoo_cache, shipped_trace) -> None:
    p = tmp_path / "zoo_layers.json"
    if case == "stale":
        p = _copy_with(tmp_path, fingerprint="sha256:" + "0" * 64)
    elif case == "broken":
        p.write_text(zoo.DATA_FILE.read_text()[:5000])
    elif case == "format":
        p = _copy_with(tmp_path, schema="ppa_sim.zoo_layers/0")
    elif case == "fields":
        doc = json.loads(zoo.DATA_FILE.read_text())
        p = _copy_with(tmp_path, layer_fields=doc["layer_fields"][::-1])
    monkeypatch.setattr(zoo, "DATA_FILE", p)
    with pytest.warns(zoo.ZooDataWarning, match=rf"{match}.*make zoo"):
        net = zoo.get("LeNet-5")
    assert shipped_trace == ["lenet5"]
    assert net.name == "lenet5" and net.macs > 0
    zoo.get("vgg8")
    assert shipped_trace == ["lenet5", "vgg8"]  # every network traced, the file read once


def test_a_network_absent_from_current_data_is_traced(tmp_path, monkeypatch, fresh_zoo_cache,
                                                     shipped_trace) -> None:
    doc = json.loads(zoo.DATA_FILE.read_text())
    del doc["networks"]["alexnet"]
    p = tmp_path / "zoo_layers.json"
    p.write_text(json.dumps(doc))
    monkeypatch.setattr(zoo, "DATA_FILE", p)
    zoo.get("vgg8")
    assert shipped_trace == []
    zoo.get("alexnet")
    assert shipped_trace == ["alexnet"]


# ------------------------------------------------------------------ round trip
_TUPLE2 = st.tuples(st.integers(0, 4096), st.integers(0, 4096))
_LAYERS = st.builds(
    Layer,
    name=st.text(min_size=1, max_size=12),
    kind=st.sampled_from(["conv2d", "linear", "pool", "add", "concat", "batchnorm",
                          "activation", "matmul", "flatten", "softmax", "layernorm"]),
    in_shape=st.lists(st.integers(1, 10**6), min_size=1, max_size=3).map(tuple),
    out_shape=st.lists(st.integers(1, 10**6), min_size=1, max_size=3).map(tuple),
    inputs=st.lists(st.text(max_size=8), max_size=4).map(tuple),
    in_channels=st.integers(0, 10**5), out_channels=st.integers(0, 10**5),
    kernel=_TUPLE2, stride=_TUPLE2, padding=_TUPLE2, dilation=_TUPLE2,
    groups=st.integers(1, 1024), bias=st.booleans(), pool=st.sampled_from(["", "max", "avg"]),
    activation=st.sampled_from(["", "relu", "gelu", "hardswish"]),
    matmul_dims=st.tuples(*[st.integers(0, 4096)] * 4),
    weight_bits=st.none() | st.integers(1, 32), act_bits=st.none() | st.integers(1, 32),
    folded_into=st.text(max_size=8))


@settings(max_examples=40, deadline=None)
@given(layers=st.lists(_LAYERS, min_size=1, max_size=6),
       description=st.text(max_size=30))
def test_every_layer_field_round_trips_exactly(layers, description) -> None:
    net = Network(name="net", input_shape=(3, 32, 32), layers=tuple(layers),
                  description=description, source="zoo:net")
    with tempfile.TemporaryDirectory() as d:
        p = zoo.write_data(Path(d) / "z.json", [net])
        raw, problem = zoo.read_data(p)
    assert problem is None
    assert repr(zoo._network_from_raw(raw["net"])) == repr(net)


# ------------------------------------------------------------------ torch-free run time
_NO_TORCH = """
import contextlib, io, sys, warnings
from ppa_sim.network.zoo import ZooDataWarning
warnings.simplefilter("error", ZooDataWarning)
import ppa_sim.api, ppa_sim.cli
est = ppa_sim.api.estimate("default", "vgg8")
assert est.totals()["energy_uj"] > 0
with contextlib.redirect_stdout(io.StringIO()) as out:
    assert ppa_sim.cli.main(["estimate", "default", "--network", "resnet50"]) == 0
    assert ppa_sim.cli.main(["list", "networks"]) == 0
assert "vit_tiny" in out.getvalue()
print("torch imported:", "torch" in sys.modules)
"""


def test_zoo_estimate_and_listing_do_not_import_torch() -> None:
    env = dict(os.environ)
    env.pop("PPA_SIM_DATA", None)
    res = subprocess.run([sys.executable, "-c", _NO_TORCH], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "torch imported: False"
