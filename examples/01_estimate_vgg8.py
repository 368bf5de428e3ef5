"""Estimate VGG-8 on the DNN+NeuroSim V1.4 SRAM chip and on an RRAM variant.

Runs in about a second:

    .venv/bin/python examples/01_estimate_vgg8.py

Shows the Python API (``ppa_sim.api.estimate``), dotted overrides (the same as
``--set`` on the command line), the per-layer mapping (duplication, subarrays) and
the breakdowns, which always add up to the totals.
"""

from __future__ import annotations

from ppa_sim import api
from ppa_sim.report.text import render_estimate

ARCH = "neurosim_v14_sram_22nm"   # architectures/neurosim_v14_sram_22nm.yaml


def main() -> None:
    est = api.estimate(ARCH, "vgg8")
    print(render_estimate(est, per_layer=True))

    # the same chip with 64 of 128 rows read at once and a 4-bit ADC (NeuroSim Table VII)
    var = api.estimate(ARCH, "vgg8", overrides={"subarray.parallel_rows": 64,
                                                 "subarray.adc.bits": 4})
    print("variant: 64 rows in parallel, 4-bit ADC")
    for key in ("area_mm2", "energy_uj", "fps", "tops_per_w"):
        print(f"  {key:12s} {est.totals()[key]:10.4g} -> {var.totals()[key]:10.4g}")

    adc_share = est.energy_breakdown_pj["adc"] / est.energy_pj
    print(f"ADC share of energy: {adc_share:.1%} (DNN+NeuroSim V1.4: 23.35/34.30 = 68.1%)")
    assert abs(sum(est.energy_breakdown_pj.values()) - est.energy_pj) < 1e-6 * est.energy_pj


if __name__ == "__main__":
    main()
