"""Accuracy of a trained CNN (digits) degrades as the hardware gets worse.

Each sweep evaluates a few simulated chip instances per point and checks that the
mean accuracy does not rise as ADC bits fall, as device variation rises and as
drift time grows (a small slack absorbs the sampling noise of a few chips), that the
worst point is clearly worse than the best, and that ideal settings reproduce the
software accuracy exactly.
"""

from __future__ import annotations

import pytest

from ppa_sim.accuracy import SimOptions
from ppa_sim.accuracy.evaluate import simulate_accuracy
from ppa_sim.api import load_design

#: 32-row subarrays so the layers span several row tiles and read groups; 8-bit inputs
#: through a multi-bit DAC (one read cycle) keep the test fast
BASE = {"subarray.rows": 32, "subarray.cols": 32, "subarray.adc.bits": 8,
        "subarray.adc.columns_per_adc": 4, "subarray.dac.encoding": "dac",
        "subarray.dac.dac_bits": 8}
SLACK = 0.01  # mean-accuracy noise allowed between neighbouring points (3 chips each)


def _acc(model, extra: dict, runs: int = 3, **opts) -> tuple[float, float]:
    design = load_design("default", {**BASE, **extra})
    res = simulate_accuracy(model, "digits", design, runs=runs, seed=0,
                            options=SimOptions(**opts), progress=False)
    return res.ideal_accuracy, res.mean


def _non_increasing(values: list[float]) -> bool:
    return all(b <= a + SLACK for a, b in zip(values, values[1:], strict=False))


def test_ideal_settings_give_software_accuracy(digits_model) -> None:
    model, _, _ = digits_model
    design = load_design("default", BASE)
    res = simulate_accuracy(model, "digits", design, runs=2,
                            options=SimOptions().ideal(), progress=False)
    assert res.ideal_accuracy > 0.9  # the model did learn
    assert res.accuracies == (res.ideal_accuracy, res.ideal_accuracy)
    assert res.std == 0.0


def test_accuracy_falls_with_adc_bits(digits_model) -> None:
    model, _, _ = digits_model
    accs = [_acc(model, {"subarray.adc.bits": b}, variation=False, read_noise=False,
                 faults=False)[1] for b in (8, 5, 3, 2)]
    assert _non_increasing(accs), accs
    assert accs[-1] < accs[0] - 0.05, accs


def test_accuracy_falls_with_variation(digits_model) -> None:
    model, _, _ = digits_model
    dev = load_design("default", BASE).tech.device
    accs = []
    for rel in (0.0, 0.1, 0.3, 0.6):  # sigma relative to the mean R_on / R_off
        extra = {"technology.device.sigma_r_on_ohm": rel * dev.r_on_ohm,
                 "technology.device.sigma_r_off_ohm": rel * dev.r_off_ohm}
        accs.append(_acc(model, extra, read_noise=False, faults=False)[1])
    assert _non_increasing(accs), accs
    assert accs[-1] < accs[0] - 0.05, accs


def test_accuracy_falls_with_drift_time(digits_model) -> None:
    model, _, _ = digits_model
    drift = {"technology.device.drift_nu": 0.05, "technology.device.drift_nu_sigma": 0.02}
    accs = [_acc(model, drift, variation=False, read_noise=False, faults=False,
                 drift_time_s=t, drift_compensation=False)[1] for t in (1.0, 1e2, 1e4, 1e6)]
    assert _non_increasing(accs), accs
    assert accs[-1] < accs[0] - 0.05, accs
    # global drift compensation recovers most of the loss at the longest time
    comp = _acc(model, drift, variation=False, read_noise=False, faults=False,
                drift_time_s=1e6, drift_compensation=True)[1]
    assert comp > accs[-1] + 0.03


@pytest.mark.parametrize("rate", [0.0, 0.3])
def test_stuck_at_faults(digits_model, rate: float) -> None:
    model, _, _ = digits_model
    extra = {"technology.device.stuck_at_on_rate": rate / 2,
             "technology.device.stuck_at_off_rate": rate / 2}
    ideal, acc = _acc(model, extra, runs=2, variation=False, read_noise=False)
    if rate == 0:
        assert acc > ideal - 0.05
    else:
        assert acc < ideal - 0.1
