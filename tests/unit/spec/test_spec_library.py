"""The shipped technology and architecture library: valid, cited, physically consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppa_sim.spec.load import (
    architecture_files,
    device_files,
    load_design,
    load_device,
    load_node,
    node_files,
    parse_yaml_text,
    validate_file,
)
from ppa_sim.spec.technology import CmosNode

ROOT = Path(__file__).resolve().parents[3]
TECH_FILES = sorted((ROOT / "technology").rglob("*.yaml"))
ARCH_FILES = sorted((ROOT / "architectures").rglob("*.yaml"))
# the architectures this library owns (others ship their own, e.g. neurosim_*, published/*)
LIBRARY_ARCHS = ["default", "survey_16x16_rram", "pcm_14nm", "sram_digital_22nm"]
REQUIRED_NODES = [130, 90, 65, 45, 32, 22, 14, 10, 7, 5, 3, 2, 1]
REQUIRED_DEVICES = ["rram", "rram_survey", "pcm", "fefet", "stt_mram", "sram"]


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


@pytest.mark.parametrize("path", TECH_FILES + ARCH_FILES, ids=_rel)
def test_every_shipped_file_validates(path: Path) -> None:
    assert validate_file(path) in ("node", "device", "architecture")


def test_library_is_complete() -> None:
    nodes = {load_node(p).node_nm for p in node_files().values()}
    assert set(REQUIRED_NODES) <= nodes
    assert set(REQUIRED_DEVICES) <= set(device_files())
    assert set(LIBRARY_ARCHS) <= set(architecture_files())


@pytest.fixture(scope="module")
def nodes() -> list[CmosNode]:
    """Shipped nodes from the largest to the smallest."""
    return sorted((load_node(f"{n}nm") for n in REQUIRED_NODES), key=lambda n: -n.node_nm)


def _pairs(nodes: list[CmosNode]):
    return list(zip(nodes, nodes[1:], strict=False))


def _area_um2(n: CmosNode, f2: float) -> float:
    return f2 * (n.feature_size_nm * 1e-3) ** 2


def test_node_names_match_files(nodes: list[CmosNode]) -> None:
    for n in nodes:
        assert n.name == f"{n.node_nm:g}nm"
        assert n.feature_size_nm == n.node_nm  # NeuroSim convention F = node
        assert n.description and n.source


def test_supply_and_threshold_scale_down(nodes: list[CmosNode]) -> None:
    for big, small in _pairs(nodes):
        assert small.vdd_v <= big.vdd_v, (big.name, small.name)
        assert small.vth_v <= big.vth_v + 0.05, (big.name, small.name)
    for n in nodes:
        assert 0.2 < n.vth_v / n.vdd_v < 0.6  # LSTP devices: Vth a sizeable share of Vdd
        # on/off current ratio of a low-standby-power device is 1e5..1e8
        assert 1e5 < n.ion_n_ua_per_um * 1e3 / n.ioff_n_na_per_um < 1e8
        assert n.cdrain_ff_per_um < n.cgate_ff_per_um


def test_standard_cell_and_gate_areas_shrink(nodes: list[CmosNode]) -> None:
    for field in ("inv_area_f2", "nand2_area_f2", "dff_area_f2", "full_adder_area_f2"):
        areas = [_area_um2(n, getattr(n, field)) for n in nodes]
        assert areas == sorted(areas, reverse=True), field
        assert len(set(areas)) == len(areas), field  # strictly
    for n in nodes:
        assert n.inv_area_f2 < n.nand2_area_f2 < n.full_adder_area_f2 < n.dff_area_f2


def test_sram_cell_area_shrinks(nodes: list[CmosNode]) -> None:
    # Only documented exception: 6T SRAM stopped scaling at 3 -> 2 nm (IRDS 2022 cell
    # 42 F x 120 F at 2 nm vs 30 F x 68.26 F at 3 nm, NeuroSim V1.4 Param.cpp): a plateau
    # of at most +10 %, never a real growth.
    for big, small in _pairs(nodes):
        a_big, a_small = _area_um2(big, big.sram_cell_area_f2), _area_um2(small,
                                                                            small.sram_cell_area_f2)
        if (big.node_nm, small.node_nm) == (3, 2):
            assert a_small <= 1.10 * a_big
        else:
            assert a_small < a_big, (big.name, small.name)


def test_wire_resistance_grows_at_smaller_nodes(nodes: list[CmosNode]) -> None:
    # Documented exception: local (Metal0) wire 90 -> 65 nm. NeuroSim V1.4 Param.cpp keeps an
    # almost equal width (110 -> 105 nm) while the barrier thins from 10 to 7 nm, so R drops
    # ~5 %; every other step and level grows.
    for level in ("local", "intermediate", "global"):
        for big, small in _pairs(nodes):
            r_big = getattr(big.wires, level if level != "global" else "global_").r_ohm_per_um
            r_small = getattr(small.wires, level if level != "global" else "global_").r_ohm_per_um
            if level == "local" and (big.node_nm, small.node_nm) == (90, 65):
                assert r_small >= 0.9 * r_big
            else:
                assert r_small > r_big, (level, big.name, small.name)
    for n in nodes:
        w = n.wires
        assert w.local.r_ohm_per_um > w.intermediate.r_ohm_per_um > w.global_.r_ohm_per_um
        assert w.local.pitch_nm < w.intermediate.pitch_nm < w.global_.pitch_nm


def test_energies_and_delays_are_plausible(nodes: list[CmosNode]) -> None:
    fa = [n.full_adder_energy_fj for n in nodes]
    assert fa == sorted(fa, reverse=True)
    # Horowitz ISSCC 2014: a 32-bit add is 0.1 pJ at 45 nm, 0.9 V -> ~3 fJ per bit
    n45 = next(n for n in nodes if n.node_nm == 45)
    assert n45.full_adder_energy_fj == pytest.approx(3.125 * (1.0 / 0.9) ** 2, rel=0.01)
    for n in nodes:
        assert 1.0 < n.fo4_delay_ps < 100.0
        assert n.dff_energy_fj > n.full_adder_energy_fj


def test_22nm_matches_ptm_lp_as_tabulated_by_neurosim() -> None:
    n = load_node(22)
    # NeuroSim V1.4 Technology.cpp, 22 nm LSTP branch (PTM 22nm_LP.pm)
    assert n.vdd_v == 0.85
    assert n.ion_n_ua_per_um == pytest.approx(791.9)
    # gate = ideal + overlap (0.2 ideal at >= 22 nm) + fringe, as NeuroSim CalculateGateCap
    assert n.cgate_ff_per_um == pytest.approx((1.2 * 5.245e-10 + 8.004e-10) * 1e9, rel=1e-3)
    # NeuroSim V1.4 Param.cpp: 40 nm Metal0, rho 2.97e-8 Ohm m, AR 1.9, 2.5 nm barrier
    rho = 2.97e-8 / (1 - (2 * 1.9 * 40 + 40) * 2.5 / (1.9 * 40**2))
    assert n.wires.local.r_ohm_per_um == pytest.approx(rho / ((40e-9) ** 2 * 1.9) * 1e-6,
                                                      rel=1e-3)


def _numeric_leaves(data: object, path: str = ""):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _numeric_leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield path


@pytest.mark.parametrize(
    "path",
    TECH_FILES + [ROOT / "architectures" / f"{a}.yaml" for a in LIBRARY_ARCHS], ids=_rel)
def test_every_number_carries_a_citation_comment(path: Path) -> None:
    """Each number is set on a line with a '#' comment saying where it comes from."""
    text = path.read_text(encoding="utf-8")
    data, lines = parse_yaml_text(text, str(path))
    src = text.splitlines()
    missing = []
    for key in _numeric_leaves(data):
        if key == "node_nm":  # the node's name, not a figure
            continue
        line = lines.find(key)
        assert line is not None
        if "#" not in src[line - 1]:
            missing.append(f"{line}: {key}")
    assert not missing, f"{_rel(path)}: numbers without a source comment: {missing}"


@pytest.mark.parametrize("path", ARCH_FILES, ids=_rel)
def test_architectures_have_description_and_source(path: Path) -> None:
    data, _ = parse_yaml_text(path.read_text(encoding="utf-8"), str(path))
    assert str(data.get("description", "")).strip()
    assert str(data.get("source", "")).strip()


# ----------------------------------------------------------------------------- devices


def test_device_physics() -> None:
    for name in REQUIRED_DEVICES:
        d = load_device(name)
        assert d.description and d.source
        assert d.on_off_ratio > 1
        assert d.cell_area_f2 > 0 and d.write_energy_pj > 0
    mram = load_device("stt_mram")
    assert mram.levels == 2 and mram.on_off_ratio < 4  # binary, low TMR
    sram = load_device("sram")
    assert sram.kind == "sram" and sram.levels == 2 and not sram.nonvolatile
    for name in ("rram", "pcm", "fefet"):
        assert load_device(name).update is not None, name


def test_survey_device_matches_lammie_2022() -> None:
    d = load_device("rram_survey")
    assert (d.r_on_ohm, d.r_off_ohm) == (10e3, 100e3)
    assert (d.sigma_r_on_ohm, d.sigma_r_off_ohm) == (1e3, 10e3)
    assert d.levels == 6


def test_pcm_drifts_and_neurosim_rram_does_not() -> None:
    pcm = load_device("pcm")
    assert pcm.drift_nu == pytest.approx(0.05) and pcm.drift_nu_sigma > 0
    assert pcm.c2c_read_noise > 0
    rram = load_device("rram")
    assert rram.drift_nu == 0 and (rram.r_on_ohm, rram.r_off_ohm) == (100e3, 1.7e6)


# ----------------------------------------------------------------------------- architectures


def test_default_architecture_is_neurosim_like() -> None:
    d = load_design("default")
    sa = d.arch.subarray
    assert (sa.rows, sa.cols) == (128, 128)
    assert sa.dac.encoding == "bit_serial" and sa.dac.bits == 8 and sa.dac.cycles == 8
    assert d.arch.weights.bits == 8 and sa.cell.bits in (1, 2)
    assert sa.adc.kind == "sar" and sa.adc.columns_per_adc > 1
    assert d.node.node_nm == 22 and d.device.kind == "rram"


def test_survey_architecture_uses_six_levels_directly() -> None:
    d = load_design("survey_16x16_rram")
    a = d.arch
    assert (a.subarray.rows, a.subarray.cols) == (16, 16)
    assert a.weights.bits is None and a.weights.mapping == "differential"
    assert a.cell_levels == 6 == d.device.levels
    assert a.subarray.cell.bits == 3  # derived: ceil(log2(6))
    assert a.slices == 1 and a.columns_per_weight == 2
    assert a.subarray.adc.bits == 6 and a.subarray.dac.encoding == "dac"


def test_pcm_and_sram_architectures() -> None:
    pcm = load_design("pcm_14nm")
    sa = pcm.arch.subarray
    assert (sa.rows, sa.cols) == (256, 256) and sa.adc.columns_per_adc == 1
    assert sa.dac.cycles == 1 and pcm.node.node_nm == 14 and pcm.device.kind == "pcm"
    sram = load_design("sram_digital_22nm")
    # digital CIM: all 128 rows at once into an exact per-column adder tree (log2(128)+1 bits)
    assert sram.device.kind == "sram" and sram.arch.subarray.rows_per_read == 128
    assert sram.arch.subarray.adc.kind == "adder_tree" and sram.arch.subarray.adc.bits == 8
    assert sram.arch.subarray.cell.type.startswith("sram")
