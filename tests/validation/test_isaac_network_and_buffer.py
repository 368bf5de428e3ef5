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
