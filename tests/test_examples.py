"""Every numbered example runs as a user would run it (smoke test).

Examples are what users copy from; a broken example is a bug. Each must finish
in seconds on one thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("[0-9][0-9]_*.py"))


def test_there_are_examples() -> None:
    assert EXAMPLES, "examples/NN_*.py should exist"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path, tmp_path: Path) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PPA_SIM_EXAMPLE_OUT": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert proc.stdout.strip(), f"{script.name} printed nothing"
    assert "Traceback" not in proc.stderr


def test_accuracy_example_is_also_an_estimator_network() -> None:
    """The model a user trains in example 02 can be costed as it is (``INPUT_SHAPE``)."""
    from ppa_sim.api import estimate
    from ppa_sim.network.load import load_network

    net = load_network(str(ROOT / "examples" / "02_accuracy_digits.py"))
    assert net.input_shape == (1, 8, 8)
    # conv 1->16 (3x3, 8x8 out) + conv 16->32 (3x3, 8x8 out) + linear 512->10
    assert net.macs == 16 * 9 * 64 + 32 * 16 * 9 * 64 + 512 * 10
    est = estimate("default", net)
    assert est.energy_pj > 0 and est.area_mm2 > 0
