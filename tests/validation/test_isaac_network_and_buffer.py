"""ISAAC's router and eDRAM (Shafiee et al., ISCA 2016, table of ISAAC parameters, T6)."""

from __future__ import annotations

import pytest

from ppa_sim import validation
from ppa_sim.api import load_design


def test_isaac_router_area_and_power(results):
    # T6: router of 32-bit flits, 8 ports, shared by 4 tiles: 0.151 mm², 42 mW (ORION 2.0)
    assert results["isaac.router.area"].value == pytest.approx(0.151, rel=0.15)
    assert results["isaac.router.power"].value == pytest.approx(42.0, rel=0.15)


def test_isaac_design_uses_a_concentrated_vc_mesh():
    d = load_design(validation.design_path("isaac_32nm"))
    ic = d.arch.chip.interconnect
    assert ic.kind == "mesh" and ic.router == "vc" and ic.width_bits == 32
    assert ic.params["concentration"] == 4 and ic.params["router_ports"] == 8


def test_isaac_routers_in_the_chip_area(results):
    # 168 tiles share 42 routers: the chip area (62.5 mm² in T6) carries 42 x ~0.13 mm²
    est = validation._isaac_est(validation._Context(), 168)
    bus = validation._find(est.tree, "chip_bus")
    assert bus is not None
    assert bus.area_um2 * 1e-6 == pytest.approx(42 * 0.13, rel=0.1)
    assert results["isaac.chip.area"].value == pytest.approx(62.5, rel=0.25)


def test_isaac_edram_full_rate_power_exceeds_refresh(results):
    # full rate: one 256-bit access per 1.2 GHz cycle; refresh alone is ~0.2 mW
    ctx = validation._Context()
    b = ctx.component("isaac_32nm", "buffer", "tile_buffer")
    p = results["isaac.edram.power"].value
    assert p > 20 * b.info["refresh_uw"] * 1e-3
    assert p == pytest.approx(1.2 * 0.5 * (b.energy_pj("read") + b.energy_pj("write"))
                              + b.leakage_uw * 1e-3, rel=1e-9)


def test_concentrated_mesh_shares_router_bandwidth_among_its_tiles():
    """ISAAC's router serves 4 tiles: the chip bus sustains per tile 1/4 of a router's
    injection rate, against the full rate on a one-router-per-tile mesh; the bisection bound
    (4/k flits per router per cycle, Dally & Towles 2004, 3.3.1) applies to the routers."""
    from ppa_sim.api import load_design
    from ppa_sim.rollup import _Chip, _Costs

    def rate(conc: int, tiles: int) -> float:
        d = load_design(validation.design_path("isaac_32nm"),
                        {"chip.interconnect.params.concentration": conc,
                         "chip.interconnect.params.router_ports": 4 + conc})
        return _Chip(d, _Costs(d)).chip_bus(tiles)[2]

    # 16 tiles: 16 routers (k = 4, rate 1) vs 4 routers of 4 tiles (k = 2, rate 1 / 4)
    assert rate(1, 16) == pytest.approx(1.0)
    assert rate(4, 16) == pytest.approx(0.25)
    # 168 tiles: 42 routers, k = sqrt(42): (4 / k) / 4 per tile
    assert rate(4, 168) == pytest.approx(min(1.0, 4.0 / 42 ** 0.5) / 4.0)
