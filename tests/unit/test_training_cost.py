"""Cost of on-chip training (ppa_sim.training_cost) and ``estimate --training``."""

from __future__ import annotations

import json

import pytest

from ppa_sim.api import load_design, load_network
from ppa_sim.cli import main
from ppa_sim.errors import PpaSimError
from ppa_sim.rollup import estimate_design
from ppa_sim.training_cost import PHASES, UpdateActivity, training_cost

ARCH = "default"


@pytest.fixture(scope="module")
def vgg8():
    design = load_design(ARCH)
    net = load_network("vgg8")
    return design, net, estimate_design(design, net)


def test_breakdown_adds_up_and_phases_are_physical(vgg8) -> None:
    design, net, est = vgg8
    tc = training_cost(design, net, est)
    assert set(tc.energy_pj) == set(PHASES) and set(tc.latency_ns) == set(PHASES)
    assert all(v >= 0 for v in tc.energy_pj.values())
    assert tc.energy_per_image_pj == pytest.approx(sum(tc.energy_pj.values()))
    # forward = the inference (dynamic part; leakage is its own phase)
    assert tc.energy_pj["forward"] == pytest.approx(est.energy_pj - est.leakage_energy_pj)
    assert tc.latency_ns["forward"] == pytest.approx(est.latency_ns)
    # backward: transposed reads of every weight layer but the first -> less than forward
    assert 0 < tc.energy_pj["backward"] < tc.energy_pj["forward"]
    first = tc.layers[0]
    assert first.energy_pj["backward"] == 0 and tc.layers[1].energy_pj["backward"] > 0
    # weight gradient: one MAC per forward MAC
    assert tc.energy_pj["weight_gradient"] > 0
    assert tc.latency_ns["weight_gradient"] >= net.macs / design.arch.chip.digital_macs_per_cycle
    # per epoch = per image x images
    j = tc.to_json()
    assert j["per_epoch"]["energy_j"] == pytest.approx(
        tc.energy_per_image_pj * 1e-12 * 50_000)
    assert sum(j["per_epoch"]["energy_j_by_phase"].values()) == pytest.approx(
        j["per_epoch"]["energy_j"])
    assert j["per_image"]["latency_us"] == pytest.approx(
        sum(j["per_image"]["latency_us_by_phase"].values()))
    assert tc.energy_per_image_pj > est.energy_pj  # training an image costs more than
    assert tc.latency_per_image_ns > est.latency_ns  # inferring it


def test_weight_update_scales_with_pulses_and_batch(vgg8) -> None:
    design, net, est = vgg8
    base = training_cost(design, net, est, update=UpdateActivity(pulses_per_cell=1.0))
    more = training_cost(design, net, est, update=UpdateActivity(pulses_per_cell=3.0))
    bigger = training_cost(design, net, est, batch_size=2 * base.batch_size)
    cells = sum(L.cells for L in base.layers)
    dev = design.tech.device
    # two more pulses per cell: exactly 2 x cells x E_pulse more per batch
    extra = (more.energy_pj["weight_update"] - base.energy_pj["weight_update"]) * base.batch_size
    assert extra == pytest.approx(2 * cells * dev.write_energy_pj, rel=1e-9)
    # (the gradient accumulator grows by one bit for the doubled batch: not exactly 1/2)
    assert bigger.energy_pj["weight_update"] == pytest.approx(
        base.energy_pj["weight_update"] / 2, rel=0.01)
    assert bigger.latency_ns["weight_update"] == pytest.approx(
        base.latency_ns["weight_update"] / 2, rel=1e-9)
    # the other phases do not depend on the update
    for k in ("forward", "backward", "weight_gradient", "buffers"):
        assert more.energy_pj[k] == pytest.approx(base.energy_pj[k])


def test_measured_update_stats_plug_in(vgg8) -> None:
    from ppa_sim.accuracy.onchip import UpdateStats

    design, net, est = vgg8
    stats = UpdateStats(devices=100, updates=10, total_pulses=50.0,
                        pulses_per_device_update=0.05, updated_fraction=0.04,
                        max_pulses_per_update=3.0, dead_devices=0)
    tc = training_cost(design, net, est, update=stats)
    assert tc.update.pulses_per_cell == 0.05 and tc.update.max_pulses == 3.0
    assert "measured" in tc.update.source


def test_costlier_writes_cost_more(vgg8) -> None:
    _, net, _ = vgg8
    d2 = load_design(ARCH, ["technology.device.write_energy_pj=20",
                            "technology.device.write_pulse_ns=500"])
    a = training_cost(vgg8[0], net, vgg8[2])
    b = training_cost(d2, net, estimate_design(d2, net))
    assert b.energy_pj["weight_update"] > a.energy_pj["weight_update"]
    assert b.latency_ns["weight_update"] > a.latency_ns["weight_update"]


def test_errors(vgg8) -> None:
    design, net, est = vgg8
    with pytest.raises(PpaSimError, match="inference estimate"):
        training_cost(design, net, estimate_design(design, net, training=True))
    with pytest.raises(PpaSimError, match="network"):
        training_cost(design, load_network("resnet20"), est)
    with pytest.raises(PpaSimError, match="batch_size"):
        training_cost(design, net, est, batch_size=0)


def test_estimate_training_cli(capsys, root, monkeypatch) -> None:
    monkeypatch.chdir(root)
    assert main(["estimate", ARCH, "--network", "vgg8", "--training"]) == 0
    out = capsys.readouterr().out
    assert "on-chip training: vgg8" in out
    for phase in ("forward", "backward", "weight gradient", "weight update", "buffers"):
        assert phase in out
    assert "energy/epoch (J)" in out
    assert main(["estimate", ARCH, "--network", "vgg8", "--training", "--format",
                 "json"]) == 0
    j = json.loads(capsys.readouterr().out)
    tc = j["meta"]["training_cost"]
    assert tc["schema"] == "ppa_sim.training_cost/1"
    assert tc["per_image"]["energy_uj"] > 0 and tc["per_epoch"]["latency_s"] > 0
    assert set(tc["per_image"]["energy_uj_by_phase"]) == set(PHASES)
