"""Multi-objective search of an RRAM design for VGG-8 with Optuna (NSGA-II).

Searches subarray size, ADC resolution, bits per cell and the RRAM on-resistance
for the designs with the best energy / latency / area trade-off, keeping only
designs under 100 mm². The study lives in an SQLite file: run this script in
several terminals at once and they share the work; run it again and it goes on
from where it stopped.

    python examples/03_search_rram_vgg8.py            # ~30 trials, seconds
"""

from __future__ import annotations

import os
from pathlib import Path

from ppa_sim import api

OUT = Path(os.environ.get("PPA_SIM_EXAMPLE_OUT", "out"))
OUT.mkdir(parents=True, exist_ok=True)

result = api.search(
    arch="default",                      # architectures/default.yaml: 22 nm RRAM
    network="vgg8",
    space={
        "subarray.rows": [64, 128, 256],
        "subarray.cols": [64, 128, 256],
        "subarray.adc.bits": {"range": [3, 8]},
        "subarray.cell.bits": [1, 2],
        "technology.device.r_on_ohm": {"logspace": [1e4, 1e6]},   # log-uniform
    },
    objectives={"energy_uj": "min", "latency_us": "min", "area_mm2": "min"},
    constraints=["area_mm2 <= 100"],
    n_trials=30,
    storage=f"sqlite:///{OUT / 'search_rram_vgg8.db'}",
    study_name="rram_vgg8",
    seed=0,
)

ok = [r for r in result if r["status"] == "ok"]
print(f"{len(result)} trials in the study ({result.evaluated} evaluated now, "
      f"{len(result) - len(ok)} rejected designs), {result.wall_s:.1f} s")
print(result.pareto_table(max_rows=15))
