"""``ppa-sim estimate``: formats, --set overrides, errors, API equivalence."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ppa_sim import api
from ppa_sim.cli import main

ARCH = "architectures/neurosim_v14_sram_22nm.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(autouse=True)
def _cwd(root, monkeypatch):
    monkeypatch.chdir(root)


def test_json_matches_api_and_contract(capsys):
    rc, out, _ = run(capsys, "estimate", ARCH, "--network", "vgg8", "--format", "json")
    assert rc == 0
    j = json.loads(out)
    assert j["schema"] == "ppa_sim.estimate/1" and j["network"] == "vgg8"
    for key in ("area_mm2", "energy_uj", "latency_us", "fps", "macs", "tops_per_w",
                "tops_per_mm2"):
        assert j["totals"][key] > 0
    assert sum(j["breakdown"]["area_mm2"].values()) == pytest.approx(j["totals"]["area_mm2"])
    assert sum(j["breakdown"]["energy_uj"].values()) == pytest.approx(
        j["totals"]["energy_uj"])
    assert j["breakdown"]["latency_rule"].startswith("pipelined")
    assert {L["name"] for L in j["layers"]} >= {"features.0", "classifier.2"}
    est = api.estimate(ARCH, "vgg8")
    assert est.to_json()["totals"] == pytest.approx(j["totals"])


def test_set_overrides_architecture_and_technology(capsys):
    _, base, _ = run(capsys, "estimate", ARCH, "-n", "vgg8", "-f", "json")
    _, adc6, _ = run(capsys, "estimate", ARCH, "-n", "vgg8", "-f", "json",
                     "--set", "subarray.adc.bits=6", "--set", "technology.node.vdd_v=0.9")
    b, a = json.loads(base), json.loads(adc6)
    assert a["breakdown"]["energy_uj"]["adc"] > b["breakdown"]["energy_uj"]["adc"]
    assert a["totals"]["energy_uj"] != b["totals"]["energy_uj"]


def test_bad_override_is_a_clear_error(capsys):
    rc, out, err = run(capsys, "estimate", ARCH, "-n", "vgg8", "--set", "subarray.adc.bits=99")
    assert rc == 1 and out == ""
    assert "subarray.adc.bits" in err and "Traceback" not in err
    rc, _, err = run(capsys, "estimate", ARCH, "-n", "vgg8", "--set", "chip.tiles=3")
    assert rc == 1 and "needs" in err and "the chip has 3 tiles" in err


def test_table_csv_and_html(capsys, tmp_path):
    rc, out, _ = run(capsys, "estimate", ARCH, "-n", "vgg8", "--per-layer")
    assert rc == 0 and "features.0" in out and "adc" in out
    rc, out, _ = run(capsys, "estimate", ARCH, "-n", "vgg8", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and rows[0]["record"] == "total"
    html = tmp_path / "r.html"
    rc, _, err = run(capsys, "estimate", ARCH, "-n", "vgg8", "--html", str(html))
    assert rc == 0 and html.stat().st_size > 1000


def test_training_costs_more_than_inference(capsys):
    inf = api.estimate(ARCH, "vgg8")
    tr = api.estimate(ARCH, "vgg8", training=True)
    assert tr.energy_pj > inf.energy_pj and tr.cycle_ns > inf.cycle_ns
    assert tr.meta["training"] is True
    rc, out, _ = run(capsys, "estimate", ARCH, "-n", "vgg8", "-f", "json", "--training")
    assert rc == 0 and json.loads(out)["totals"]["energy_uj"] == pytest.approx(
        tr.energy_pj * 1e-6)
