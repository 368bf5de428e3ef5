"""Fixtures of the report tests.

* ``handmade_estimate``: an :class:`~ppa_sim.results.Estimate` built by hand
  with round numbers and a layer named ``<script>alert(1)</script>``, for
  exact checks of the formatting.
* ``real_estimate``: the real estimator on the shipped default architecture
  (renamed ``<script>alert(1)</script>``) and a small network whose last layer
  has that hostile name.
* ``sweep_store``: a real sweep (``ppa_sim.api.sweep``) over that network,
  written to an SQLite results store.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from ppa_sim.cost import Cost
from ppa_sim.results import AccuracyResult, Estimate, LayerResult

XSS = "<script>alert(1)</script>"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARCH = ROOT / "architectures" / "default.yaml"


def _leaf(name: str, cat: str, area: float, energy: float) -> Cost:
    return Cost(name=name, area_um2=area, energy_pj=energy, category=cat)


def make_handmade_estimate(design: Any = None, layer_name: str = XSS) -> Estimate:
    """chip > tile_0 > pe_0 > subarray, round numbers (µm², pJ, ns)."""
    sub = Cost.node("subarray", [_leaf("array", "array", 3000.0, 40_000.0),
                                 _leaf("adc", "adc", 1500.0, 90_000.0),
                                 _leaf("mux", "mux", 200.0, 5_000.0)])
    pe = Cost.node("pe_0", [sub, _leaf("pe_buffer", "buffer", 800.0, 10_000.0)])
    tile = Cost.node("tile_0", [pe, _leaf("accumulator", "accumulation", 400.0, 8_000.0)])
    chip = Cost.node("chip", [tile, _leaf("global_buffer", "buffer", 2_100.0, 30_000.0),
                              _leaf("htree", "interconnect", 1_000.0, 17_000.0)])
    layers = (
        LayerResult(name="conv1", kind="conv2d", macs=1_000_000, crossbars=8, pes=2, tiles=1,
                    utilization=0.42, duplication=4, energy_pj=80_000.0, latency_ns=1500.0,
                    energy_breakdown_pj={"array": 20_000.0, "adc": 50_000.0,
                                         "buffer": 10_000.0},
                    latency_breakdown_ns={"array": 500.0, "adc": 1000.0}),
        LayerResult(name=layer_name, kind="linear", macs=250_000, crossbars=4, pes=1,
                    tiles=1, utilization=0.9, duplication=1, energy_pj=120_000.0,
                    latency_ns=2500.0,
                    energy_breakdown_pj={"array": 20_000.0, "adc": 40_000.0, "mux": 5_000.0,
                                         "buffer": 30_000.0, "accumulation": 8_000.0,
                                         "interconnect": 17_000.0},
                    latency_breakdown_ns={"array": 700.0, "adc": 1500.0,
                                          "interconnect": 300.0}),
    )
    cats = chip.by_category()
    return Estimate(
        network="tiny", architecture="handmade", node_nm=22, device="rram",
        area_um2=chip.area_um2, energy_pj=chip.energy_pj, latency_ns=4000.0, cycle_ns=2500.0,
        macs=1_250_000, utilization=0.55,
        area_breakdown_um2={k: v[0] for k, v in cats.items()},
        energy_breakdown_pj={k: v[1] for k, v in cats.items()},
        latency_breakdown_ns={"array": 1200.0, "adc": 2500.0, "interconnect": 300.0},
        latency_rule="sum over layers of each layer's stage time",
        tree=chip, layers=layers, tiles=1, design=design)


def hostile_network(name: str = "tiny") -> Any:
    """A small real network (conv, pool, conv, linear) whose last layer is named XSS."""
    from ppa_sim.network.layer import Layer, Network

    c1 = Layer(name="conv1", kind="conv2d", in_shape=(3, 16, 16), out_shape=(16, 16, 16),
               in_channels=3, out_channels=16, kernel=(3, 3), padding=(1, 1))
    p1 = Layer(name="pool1", kind="pool", in_shape=(16, 16, 16), out_shape=(16, 8, 8),
               inputs=("conv1",), kernel=(2, 2), stride=(2, 2), pool="max")
    c2 = Layer(name="conv2", kind="conv2d", in_shape=(16, 8, 8), out_shape=(32, 8, 8),
               inputs=("pool1",), in_channels=16, out_channels=32, kernel=(3, 3),
               padding=(1, 1))
    fc = Layer(name=XSS, kind="linear", in_shape=(2048,), out_shape=(10,), inputs=("conv2",),
               in_channels=2048, out_channels=10)
    return Network(name=name, input_shape=(3, 16, 16), layers=(c1, p1, c2, fc))


@pytest.fixture
def handmade_estimate() -> Estimate:
    return make_handmade_estimate()


@pytest.fixture(scope="session")
def default_design() -> Any:
    from ppa_sim.spec.load import load_design

    return load_design(DEFAULT_ARCH)


@pytest.fixture(scope="session")
def real_estimate() -> Estimate:
    """The real estimator; the architecture and the last layer carry the hostile name."""
    from ppa_sim import api

    return api.estimate(DEFAULT_ARCH, hostile_network(), overrides={"name": XSS})


@pytest.fixture
def accuracy_result() -> AccuracyResult:
    return AccuracyResult(ideal_accuracy=0.95, accuracies=(0.93, 0.925, 0.94, 0.915),
                          architecture="default", dataset="digits", samples=360)


def with_name(est: Estimate, **changes: Any) -> Estimate:
    return dataclasses.replace(est, **changes)


@pytest.fixture(scope="session")
def sweep_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 2 x 3 sweep of the hostile network on the default architecture."""
    from ppa_sim import api

    out = tmp_path_factory.mktemp("sweep") / "results.sqlite"
    spec = {
        "name": "report_test",
        "base": str(DEFAULT_ARCH),
        "networks": [XSS],  # a hostile network name: reports must show it as text
        # ADC sharing trades latency for area and energy: a front of several points
        "axes": {"subarray.adc.bits": [4, 6], "subarray.adc.columns_per_adc": [1, 4, 16]},
        "objectives": {"minimize": ["energy_uj", "latency_us", "area_mm2"]},
    }
    api.sweep(spec, out=out, networks={XSS: hostile_network(XSS)}, progress=False)
    return out
