"""Full estimates of deep networks keep their invariants after the speed work.

estimate_design() computes each distinct (layer geometry, placement, activity) once per
call and replays it for equal layers (ResNet blocks), and builds its result objects
without the dataclass ``__init__``. These tests check the whole JSON output of a few
networks against invariants (sums, counts, per-layer identities), and that replaying
never merges layers that must differ. No stored numbers of our own.
"""

from __future__ import annotations

import json
import math

import pytest

from ppa_sim.cost import Cost
from ppa_sim.mapping._fast import fast_init, renamed
from ppa_sim.network import Layer, Network, zoo
from ppa_sim.results import LayerResult
from ppa_sim.rollup import estimate_design
from ppa_sim.spec.load import load_design

CASES = [("neurosim_v14_sram_22nm", "resnet50", False),
         ("default", "resnet20", True),
         ("default", "mobilenet_v2", False),
         ("neurosim_v14_rram_22nm", "vgg8", False)]


def _finite(x: object) -> None:
    if isinstance(x, dict):
        for v in x.values():
            _finite(v)
    elif isinstance(x, list):
        for v in x:
            _finite(v)
    elif isinstance(x, float):
        assert math.isfinite(x)


@pytest.mark.parametrize(("arch", "net", "training"), CASES)
def test_full_json_invariants(arch: str, net: str, training: bool) -> None:
    network = zoo.get(net)
    est = estimate_design(load_design(arch), network, training=training)
    j = json.loads(json.dumps(est.to_json()))
    _finite(j)
    tot, bd = j["totals"], j["breakdown"]
    assert sum(bd["area_mm2"].values()) == pytest.approx(tot["area_mm2"], rel=1e-9)
    assert sum(bd["energy_uj"].values()) == pytest.approx(tot["energy_uj"], rel=1e-9)
    assert sum(bd["latency_us"].values()) == pytest.approx(tot["latency_us"], rel=1e-9)
    layers = j["layers"]
    assert [L["name"] for L in layers] == [lay.name for lay in network.layers]
    assert sum(L["macs"] for L in layers) == tot["macs"] == network.macs
    assert sum(L["crossbars"] for L in layers) == j["meta"]["subarrays"]
    # per-layer energies add up to the total minus the chip-level leakage
    glob_leak_uj = est.tree.find("global/leakage").energy_pj * 1e-6
    assert sum(L["energy_uj"] for L in layers) + glob_leak_uj == pytest.approx(
        tot["energy_uj"], rel=1e-9)
    for L in layers:
        assert sum(L["energy_breakdown_uj"].values()) == pytest.approx(L["energy_uj"])
    # one tree node per crossbar layer, in layer order, whose energy is the layer's
    xbar = [L for L in est.layers if L.crossbars]
    nodes = [n for n in est.tree.children if n.name.startswith("layer:")]
    assert [n.name for n in nodes] == [f"layer:{L.name}" for L in xbar]
    for n, L in zip(nodes, xbar, strict=True):
        # the layer's energy = its tree node (tile + leakage) + its global-buffer and
        # chip-bus traffic (+ weight-gradient MACs when training), kept at chip level
        assert n.area_um2 > 0
        assert L.energy_pj >= n.energy_pj * (1 - 1e-12)
        assert n.find("leakage").energy_pj == L.energy_breakdown_pj["leakage"]
    # inner nodes are the sums of their children
    for _, node in est.tree.walk():
        if node.children:
            assert node.energy_pj == pytest.approx(sum(c.energy_pj for c in node.children))
            assert node.area_um2 == pytest.approx(sum(c.area_um2 for c in node.children))
    # layers of equal geometry (after the first occurrence) carry equal figures
    seen: dict[tuple, LayerResult] = {}
    for lay, L in zip(network.layers, est.layers, strict=True):
        if lay.kind not in ("conv2d", "linear") or training:
            continue
        key = (lay.in_shape, lay.out_shape, lay.kernel, lay.groups, lay.stride)
        ref = seen.setdefault(key, L)
        if ref is not L and ref.duplication == L.duplication:
            assert L.energy_pj == pytest.approx(ref.energy_pj, rel=1e-12)
            assert dict(L.events) == pytest.approx(dict(ref.events), rel=1e-12)


def _conv(name: str, inputs: tuple[str, ...] = ()) -> Layer:
    return Layer(name, "conv2d", (64, 8, 8), (64, 8, 8), inputs=inputs, in_channels=64,
                 out_channels=64, kernel=(3, 3), padding=(1, 1))


def _twins() -> Network:
    relu = Layer("relu", "activation", (64, 8, 8), (64, 8, 8), inputs=("a",),
                 activation="relu")
    return Network("twins", (64, 8, 8), (_conv("a"), relu, _conv("b", ("relu",)),
                                         _conv("c", ("b",))))


def test_replay_keeps_layers_that_must_differ_apart() -> None:
    d = load_design("default")
    net = _twins()
    base = {L.name: L for L in estimate_design(d, net).layers}
    # same geometry: "a" has its activation counted by the relu layer after it, "b" and
    # "c" count their own -> a differs from b, b equals c
    assert "activation" not in base["a"].events and "activation" in base["b"].events
    assert base["a"].energy_pj < base["b"].energy_pj
    assert base["b"].energy_pj == base["c"].energy_pj
    # measured activity on b only: b changes, a does not
    act = {"layers": {"b": {"input_bit_density": 0.05}}}
    meas = {L.name: L for L in estimate_design(d, net, activity=act).layers}
    assert meas["b"].energy_pj < base["b"].energy_pj
    assert meas["a"].energy_pj == base["a"].energy_pj
    # training: the first weight layer has no transposed read, the others do
    tr = {L.name: L for L in estimate_design(d, net, training=True).layers}
    assert tr["b"].events["array_read"] == 2 * tr["a"].events["array_read"]


def test_fast_constructors_equal_the_dataclass_ones() -> None:
    make = fast_init(Cost)
    a = make(name="x", area_um2=1.0, energy_pj=2.0, latency_ns=0.0, category="adc",
             children=())
    assert a == Cost(name="x", area_um2=1.0, energy_pj=2.0, category="adc")
    # missing fields: falls back to the real constructor (defaults filled)
    assert make(name="y") == Cost(name="y")
    with pytest.raises(TypeError):
        make(name="z", bogus=1)
    b = renamed(a, "name", "w")
    assert b.name == "w" and a.name == "x" and b.energy_pj == a.energy_pj
