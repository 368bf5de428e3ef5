"""Helpers shared by the DSE tests (imported by the tests and by sweep subprocesses).

``counting_estimate`` wraps the real estimator and appends the point's design
parameters to the file named by ``PPA_SIM_TEST_EVAL_LOG`` before it
evaluates, so a test can count how often each point was evaluated across runs
(including runs that were killed). ``PPA_SIM_TEST_EVAL_DELAY_S`` slows each
evaluation down so a test can kill a sweep mid-way.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def counting_estimate(design: Any, network: Any) -> Any:
    """The real estimator, logging one line per evaluation (appended atomically)."""
    from ppa_sim.dse.executors import estimate_point

    log = os.environ.get("PPA_SIM_TEST_EVAL_LOG")
    if log:
        a = design.arch
        line = json.dumps({"rows": a.subarray.rows,
                           "adc_bits": a.subarray.adc.bits, "pid": os.getpid()}) + "\n"
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())  # one write() with O_APPEND: lines never interleave
        finally:
            os.close(fd)
    delay = float(os.environ.get("PPA_SIM_TEST_EVAL_DELAY_S", "0") or 0)
    if delay:
        time.sleep(delay)
    return estimate_point(design, network)


def write_spec(path: Path, **over: Any) -> Path:
    """A small sweep spec over the shipped default architecture."""
    spec = {
        "name": "test_sweep",
        "base": str(ROOT / "architectures" / "default.yaml"),
        "networks": ["vgg8"],
        "axes": {"subarray.rows": [64, 128, 256], "subarray.adc.bits": [4, 5, 6]},
        "objectives": {"minimize": ["energy_uj", "latency_us", "area_mm2"]},
    }
    spec.update(over)
    import yaml

    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def tiny_network() -> Any:
    """A two-layer network built by hand (no zoo/importer needed)."""
    from ppa_sim.network.layer import Layer, Network

    conv = Layer(name="conv1", kind="conv2d", in_shape=(3, 8, 8), out_shape=(16, 8, 8),
                 in_channels=3, out_channels=16, kernel=(3, 3), padding=(1, 1))
    fc = Layer(name="fc", kind="linear", in_shape=(1024,), out_shape=(10,), inputs=("conv1",),
               in_channels=1024, out_channels=10)
    return Network(name="tiny", input_shape=(3, 8, 8), layers=(conv, fc))


def crossbar_estimate(design: Any, network: Any) -> dict[str, Any]:
    """A small but real cost function of the design (crossbar count x cell area, ADC
    conversions x resolution): stands in where a test needs no full estimator."""
    import math

    a = design.arch
    sub = a.subarray
    f_um = design.node.node_nm * 1e-3
    cell_um2 = design.device.cell_area_f2 * f_um ** 2
    xbars = conversions = 0
    for layer in network.weight_layers:
        r = math.ceil(layer.matrix_rows / sub.rows)
        c = math.ceil(layer.matrix_cols * a.columns_per_weight / sub.cols)
        xbars += r * c * layer.groups
        conversions += r * layer.matrix_cols * a.columns_per_weight * layer.out_positions \
            * sub.dac.cycles
    area_mm2 = xbars * sub.rows * sub.cols * cell_um2 * 1e-6
    energy_uj = conversions * 2 ** sub.adc.bits * 1e-8
    latency_us = conversions * sub.adc.columns_per_adc / max(xbars * sub.cols, 1) * 1e-3
    return {"totals": {"area_mm2": area_mm2, "energy_uj": energy_uj, "latency_us": latency_us},
            "breakdown": {"area_mm2": {"array": area_mm2}}}


MLP_FILE = """from torch import nn

INPUT_SHAPE = (1, 8, 8)
WEIGHTS = "mlp.pt"


def model():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
"""


def trained_mlp() -> Any:
    """A small MLP (the model of ``MLP_FILE``) trained on sklearn's digits train split
    in well under a second (seeded)."""
    import torch
    from torch import nn

    from ppa_sim.accuracy.data import dataset_split

    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    model.input_shape = (1, 8, 8)
    x, y = dataset_split("digits", "train").tensors
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(60):
        idx = torch.randperm(len(x), generator=g)[:512]
        opt.zero_grad()
        nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()
    return model.eval()


def write_mlp_files(folder: Path) -> Path:
    """``mlp.py`` + trained ``mlp.pt`` in ``folder``; returns the .py path."""
    import torch

    py = folder / "mlp.py"
    py.write_text(MLP_FILE)
    torch.save(trained_mlp().state_dict(), folder / "mlp.pt")
    return py
