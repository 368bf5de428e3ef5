"""ORION 2.0-style virtual-channel routers of the mesh (``router: vc``) and the eDRAM
word-line boost."""

from __future__ import annotations

import math

import pytest
from _component_cases import NODE_NAMES
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import buffer as buffer_mod
from ppa_sim.components import get
from ppa_sim.components import interconnect as ic
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import BufferSpec, InterconnectSpec


def _mesh(node, endpoints: int = 4, width: int = 32, **params: float):
    spec = InterconnectSpec(kind="mesh", width_bits=width, router="vc", params=params)
    return get("interconnect", "mesh")(spec, node, endpoints=endpoints, span_um=1200.0)


def test_orion_area_of_isaacs_router(nodes) -> None:
    """ORION 2.0's area model, worked by hand for ISAAC's router (8 ports, 32-bit flits,
    ORION's defaults: 1 VC of 4 flits, SRAM FIFOs with 1R + 1W port, degree-4 mux tree,
    round-robin arbiters) at 32 nm, from ORION's 32-nm NVT layout figures:
    FIFO: 4 x (1.617 + 2 x 0.424) µm tall x 32 x (0.364 + 4 x 0.424) µm wide = 650.0 µm²
          per port -> 5,200 µm²;
    crossbar: 8 ins x 32 b x 8 outs x 1.5 x (4^2 - 1)/3 muxes x 8.004 µm² = 122,936 µm²;
    allocators: 8 x RR(1) + 8 x RR(7), RR(r) = 1.3 r (6 x 1.601 + 2 x 0.915 + 5.260) µm²
          = 1,389 µm²;  total 129,525 µm² (ISAAC, ISCA 2016, T6: 0.151 mm²)."""
    c = _mesh(nodes["32nm"], concentration=4, router_ports=8)
    assert c.info["routers"] == 1
    assert c.info["router_buffer_area_um2"] == pytest.approx(5200.0, rel=1e-3)
    assert c.info["router_crossbar_area_um2"] == pytest.approx(122936.0, rel=1e-3)
    assert c.info["router_allocator_area_um2"] == pytest.approx(1389.0, rel=2e-3)
    assert c.info["router_area_um2"] == pytest.approx(129525.0, rel=1e-3)
    assert c.info["router_area_um2"] == pytest.approx(0.151e6, rel=0.15)


def test_matrix_crossbar_is_the_square_of_its_tracks(nodes) -> None:
    n = nodes["32nm"]
    c = _mesh(n, mux_degree=0, router_ports=5)
    side = 5 * 32 * ic.ORION_XBAR_TRACK_F * n.feature_size_nm * 1e-3
    assert c.info["router_crossbar_area_um2"] == pytest.approx(side ** 2, rel=1e-9)


@pytest.mark.parametrize("node", NODE_NAMES)
def test_router_grows_with_ports_buffers_and_channels(node: str, nodes) -> None:
    n = nodes[node]
    base = _mesh(n)
    for more in ({"router_ports": 8}, {"buffer_flits": 8}, {"virtual_channels": 2}):
        bigger = _mesh(n, **more)
        assert bigger.info["router_area_um2"] > base.info["router_area_um2"], more
        assert bigger.leakage_uw > base.leakage_uw, more
    # wider flits: more FIFO columns, crossbar tracks and energy per flit
    wide = _mesh(n, width=64)
    assert wide.info["router_area_um2"] > base.info["router_area_um2"]
    assert wide.info["router_flit_energy_pj"] > base.info["router_flit_energy_pj"]
    assert base.energy_pj("hop") > base.info["router_flit_energy_pj"] > 0.0


def test_concentration_shares_routers(nodes) -> None:
    n = nodes["32nm"]
    one = _mesh(n, endpoints=16, router_ports=5)
    four = _mesh(n, endpoints=16, concentration=4, router_ports=5)
    assert one.info["routers"] == 16 and four.info["routers"] == 4
    assert four.area_um2 < one.area_um2
    # fewer routers: fewer hops on average for uniform traffic
    assert four.info["avg_hops"] < one.info["avg_hops"]


def test_smaller_node_smaller_router(nodes) -> None:
    areas = [_mesh(nodes[k]).info["router_area_um2"] for k in NODE_NAMES]  # small F first
    assert all(a < b for a, b in zip(areas, areas[1:], strict=False))


@settings(max_examples=30, deadline=None)
@given(ports=st.integers(2, 12), vcs=st.integers(1, 4), depth=st.integers(1, 16),
       degree=st.sampled_from([0, 2, 3, 4]), width=st.sampled_from([8, 16, 32, 128]))
def test_router_is_positive_and_deeper_buffers_cost_more(ports, vcs, depth, degree, width):
    from _component_cases import all_nodes

    n = all_nodes()["32nm"]
    p = {"router_ports": ports, "virtual_channels": vcs, "mux_degree": degree}
    a = _mesh(n, width=width, buffer_flits=depth, **p)
    b = _mesh(n, width=width, buffer_flits=depth + 1, **p)
    assert a.area_um2 > 0 and a.energy_pj("transfer") > 0 and a.latency_ns("hop") > 0
    assert b.info["router_buffer_area_um2"] > a.info["router_buffer_area_um2"]
    assert b.info["router_flit_energy_pj"] > a.info["router_flit_energy_pj"]


@pytest.mark.parametrize("params,key", [
    ({"ports": 8}, "interconnect.params"),
    ({"buffer_flits": 2.5}, "interconnect.params.buffer_flits"),
    ({"virtual_channels": 0}, "interconnect.params.virtual_channels"),
    ({"mux_degree": 5}, "interconnect.params.mux_degree"),
    ({"concentration": 8, "router_ports": 6}, "interconnect.params.router_ports"),
    ({"pipeline_stages": 1}, "interconnect.params.pipeline_stages"),
])
def test_bad_router_params_are_config_errors(nodes, params, key) -> None:
    with pytest.raises(ConfigError) as e:
        _mesh(nodes["32nm"], **params)
    assert e.value.problems[0].key_path == key


@pytest.mark.parametrize("kind", ["htree", "bus", "mesh"])
def test_router_knobs_only_on_vc_meshes(nodes, kind) -> None:
    spec = InterconnectSpec(kind=kind, params={"concentration": 4})
    with pytest.raises(ConfigError):
        get("interconnect", kind)(spec, nodes["32nm"], endpoints=4, span_um=500.0)
    if kind != "mesh":
        with pytest.raises(ConfigError):
            get("interconnect", kind)(InterconnectSpec(kind=kind, router="vc"), nodes["32nm"],
                                      endpoints=4, span_um=500.0)


def test_compact_mesh_is_the_default(nodes) -> None:
    c = get("interconnect", "mesh")(InterconnectSpec(kind="mesh", width_bits=32),
                                    nodes["32nm"], endpoints=4, span_um=1200.0)
    assert "routers" not in c.info  # the 5-port compact router, one per endpoint


def test_edram_word_line_boost_costs_pump_energy(nodes, monkeypatch) -> None:
    """eDRAM word lines swing to V_PP = 1.5 V through a charge pump (CACTI 6.5 32-nm
    LP-DRAM): every access and every refreshed row pays C_WL V_PP ceil(V_PP/Vdd) Vdd
    instead of C_WL Vdd²."""
    n = nodes["32nm"]
    spec = BufferSpec(kind="edram", capacity_kb=64, width_bits=256, banks=4)
    boosted = get("buffer", "edram")(spec, n)
    monkeypatch.setattr(buffer_mod, "EDRAM_VPP_V", 0.0)
    plain = get("buffer", "edram")(spec, n)
    assert boosted.energy_pj("read") > plain.energy_pj("read")
    assert boosted.energy_pj("write") > plain.energy_pj("write")
    assert boosted.info["refresh_uw"] > plain.info["refresh_uw"]
    extra = boosted.energy_pj("read") - plain.energy_pj("read")
    ratio = math.ceil(1.5 / n.vdd_v) * 1.5 * n.vdd_v / n.vdd_v ** 2 - 1.0
    # the difference is the word-line term alone: extra = C_WL Vdd² x ratio > 0
    c_wl_ff = extra / ratio / n.vdd_v ** 2 * 1e3
    assert 1.0 < c_wl_ff < 1000.0
