"""Signed inputs on unsigned drivers, end to end: accuracy path -> activity file -> estimator.

A layer whose inputs are negative runs two passes (x+ then x-) of ``bits - 1`` magnitude
bits on drivers without ``dac.signed_input``. The accuracy path records that per layer
(``input_signed`` in the activity file); the estimator, given the file, charges the same
read cycles and conversions. Checked on a tanh MLP on digits (its second layer sees
negative inputs, its first the non-negative pixels) for a bit-serial SAR design and for
NeuRRAM's integrating neuron with unsigned drivers (conversions = phases per pass).
"""

from __future__ import annotations

import json

import pytest
import torch
from loop_ref import train_tanh_mlp
from torch import nn

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.convert import crossbar_layers
from ppa_sim.accuracy.evaluate import simulate_accuracy
from ppa_sim.api import estimate, load_design
from ppa_sim.errors import ConfigError
from ppa_sim.mapping.planner import input_passes
from ppa_sim.network.load import load_network

NEURRAM = "published/neurram_130nm"
CASES = {
    # 8-bit bit-serial inputs, SAR ADCs: 8 cycles unsigned, 2 x 7 signed
    "default": ("default", {"chip.tiles": "auto"}, (8, 14)),
    # NeuRRAM without ternary drivers: 4 unsigned cycles; signed 2 passes x 3 cycles
    "neurram_unsigned_drive": (NEURRAM, {"chip.tiles": "auto",
                                         "subarray.dac.signed_input": False}, (4, 6)),
}


@pytest.fixture(scope="module")
def tanh_mlp() -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor]]:
    model, (xt, yt) = train_tanh_mlp(40)
    return model, (xt[:96], yt[:96])


def _per_input(est, name: str) -> dict[str, float]:
    return dict(next(lr for lr in est.layers if lr.name == name).events)


@pytest.mark.parametrize("case", list(CASES))
def test_estimator_charges_the_passes_the_accuracy_path_runs(tanh_mlp, tmp_path,
                                                             case: str) -> None:
    arch, over, (unsigned_cycles, signed_cycles) = CASES[case]
    model, data = tanh_mlp
    design = load_design(arch, over)
    assert not design.arch.subarray.dac.signed_input
    path = tmp_path / "act.json"
    simulate_accuracy(model, data, design, runs=1, progress=False,
                      options=SimOptions(variation=False, read_noise=False),
                      activity_out=path)
    doc = json.loads(path.read_text())
    assert doc["layers"]["0"]["input_signed"] is False   # pixels >= 0
    assert doc["layers"]["2"]["input_signed"] is True    # tanh outputs
    # the accuracy path's read cycles (planes) and conversions per (group, column)
    hw = convert(model, design, options=SimOptions(variation=False, read_noise=False))
    with torch.no_grad():
        hw(data[0])
    planes = {name: (m.input_planes, m.adc_planes, m) for name, m in crossbar_layers(hw)}
    assert planes["0"][0] == unsigned_cycles and planes["2"][0] == signed_cycles

    net = load_network(model, example_input=torch.zeros(1, 64))
    measured = estimate(arch, net, overrides=over, activity=path)
    assumed = estimate(arch, net, overrides=over)
    for name, (n_planes, n_conv, m) in planes.items():
        part = m.part
        rpr = design.arch.subarray.rows_per_read
        groups = sum(-(-len(part.row_tile_index(t)) // rpr) for t in range(part.n_row_tiles))
        cols = m.layer.out_channels * part.columns_per_weight \
            // design.arch.columns_per_conversion
        ev = _per_input(measured, name)
        # one output position; every column tile (subarray) of a row tile reads each plane
        assert part.n_row_tiles == 1
        assert ev["array_read"] == n_planes * groups * part.subarrays, name
        assert ev["adc_convert"] == n_conv * groups * cols, name
        passes, per_pass = input_passes(m.layer, design, signed=name == "2")
        assert n_planes == passes * per_pass
    # without the file the estimator takes the inputs as unsigned (NeuroSim): one pass
    ev0, ev_m = _per_input(assumed, "2"), _per_input(measured, "2")
    assert ev0["array_read"] * signed_cycles == ev_m["array_read"] * unsigned_cycles
    for key in ("array_read", "adc_convert", "wl_drive"):
        assert _per_input(assumed, "0")[key] == _per_input(measured, "0")[key]
    # two passes cost energy and time (same measured densities, flag cleared)
    doc["layers"]["2"]["input_signed"] = False
    one_pass = estimate(arch, net, overrides=over, activity=doc)
    assert _per_input(one_pass, "2")["array_read"] == ev0["array_read"]
    assert measured.energy_pj > one_pass.energy_pj
    assert measured.latency_ns > one_pass.latency_ns


def test_ternary_drivers_ignore_the_flag(tanh_mlp, tmp_path) -> None:
    """With ``dac.signed_input`` (NeuRRAM as shipped) a signed input takes one pass in
    both paths: the flag changes no event count."""
    model, data = tanh_mlp
    over = {"chip.tiles": "auto"}
    design = load_design(NEURRAM, over)
    path = tmp_path / "act.json"
    simulate_accuracy(model, data, design, runs=1, progress=False, activity_out=path)
    assert json.loads(path.read_text())["layers"]["2"]["input_signed"] is True
    net = load_network(model, example_input=torch.zeros(1, 64))
    measured = estimate(NEURRAM, net, overrides=over, activity=path)
    assumed = estimate(NEURRAM, net, overrides=over)
    for name in ("0", "2"):
        a, b = _per_input(measured, name), _per_input(assumed, name)
        assert (a["array_read"], a["adc_convert"]) == (b["array_read"], b["adc_convert"])


def test_old_activity_files_stay_valid_and_bad_flags_are_errors() -> None:
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    net = load_network(model, example_input=torch.zeros(1, 64))
    old = {"schema": "ppa_sim.activity/1",
           "layers": {"2": {"input_bit_density": 0.3, "mean_conductance_fraction": 0.4}}}
    flagged = {"schema": "ppa_sim.activity/1",
               "layers": {"2": {**old["layers"]["2"], "input_signed": False}}}
    a = estimate("default", net, overrides={"chip.tiles": "auto"}, activity=old)
    b = estimate("default", net, overrides={"chip.tiles": "auto"}, activity=flagged)
    assert a.totals() == b.totals()
    bad = {"schema": "ppa_sim.activity/1", "layers": {"2": {"input_signed": "yes"}}}
    with pytest.raises(ConfigError, match="true or false") as e:
        estimate("default", net, overrides={"chip.tiles": "auto"}, activity=bad)
    assert e.value.problems[0].key_path == "layers.2.input_signed"
