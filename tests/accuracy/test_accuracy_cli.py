"""``ppa-sim accuracy`` end to end: a model file + state_dict trained in the test session."""

from __future__ import annotations

import json

import pytest

from ppa_sim.cli import main


def test_cli_json_and_activity(digits_model, tmp_path, capsys) -> None:
    _, py, pt = digits_model
    act = tmp_path / "activity.json"
    rc = main(["accuracy", "default", "--model", str(py), "--weights", str(pt),
               "--dataset", "digits", "--runs", "2", "--seed", "3", "--limit", "200",
               "--set", "subarray.rows=32", "--set", "subarray.cols=32",
               "--set", "subarray.adc.columns_per_adc=4",
               "--activity-out", str(act), "--format", "json", "--no-progress"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "ppa_sim.accuracy/1"
    assert out["samples"] == 200 and len(out["accuracies"]) == 2
    assert 0.8 < out["ideal_accuracy"] <= 1.0
    assert 0.0 <= out["mean"] <= 1.0
    doc = json.loads(act.read_text())
    assert doc["schema"] == "ppa_sim.activity/1"
    assert set(doc["layers"]) == {"0", "2", "6"}  # module qualified names
    for rec in doc["layers"].values():
        assert 0.0 < rec["input_bit_density"] < 1.0
        assert 0.0 <= rec["mean_conductance_fraction"] <= 1.0
        assert len(rec["adc_code_histogram"]) == 2 ** rec["adc_bits"]
        assert sum(rec["adc_code_histogram"]) > 0


def test_activity_feeds_the_estimator(digits_model, tmp_path) -> None:
    """The activity file is accepted by the estimator's reader for the same network."""
    from ppa_sim.accuracy.data import load_model
    from ppa_sim.accuracy.evaluate import simulate_accuracy
    from ppa_sim.api import load_design
    from ppa_sim.rollup import load_activity

    model, py, pt = digits_model
    design = load_design("default", {"subarray.rows": 32, "subarray.cols": 32,
                                     "subarray.adc.columns_per_adc": 4})
    path = tmp_path / "act.json"
    res = simulate_accuracy(load_model(py, pt), "digits", design, runs=1, activity_out=path,
                            progress=False)
    measured = load_activity(path)
    assert set(measured) == set(res.activity["layers"])


def test_cli_table_output(digits_model, capsys) -> None:
    _, py, pt = digits_model
    rc = main(["accuracy", "default", "--model", str(py), "--weights", str(pt),
               "--dataset", "digits", "--runs", "1", "--limit", "64", "--no-progress",
               "--digital", "0"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "ideal (software) accuracy" in text and "hardware accuracy (1 chips)" in text


@pytest.mark.parametrize("args,needle", [
    (["--dataset", "digits", "--model", "nope.py"], "model file not found"),
    (["--dataset", "digits", "--runs", "0"], "--runs must be >= 1"),
    (["--dataset", "digits", "--set", "subarray.adc.bits=99"], "subarray.adc.bits"),
])
def test_cli_errors(digits_model, capsys, args: list[str], needle: str) -> None:
    _, py, pt = digits_model
    base = ["accuracy", "default", "--model", str(py), "--weights", str(pt)]
    rc = main(base + args)  # later --model wins
    assert rc == 1
    assert needle in capsys.readouterr().err


def test_api_wrapper_and_own_dataloader(digits_model) -> None:
    """ppa_sim.api.simulate_accuracy with a user DataLoader and dotted overrides."""
    from torch.utils.data import DataLoader

    from ppa_sim import api
    from ppa_sim.accuracy import SimOptions
    from ppa_sim.accuracy.data import dataset_split

    model, _, _ = digits_model
    ds = dataset_split("digits", "test")
    res = api.simulate_accuracy(model, DataLoader(ds, batch_size=128), "default", runs=2,
                                seed=5, overrides=["subarray.rows=32", "subarray.cols=32",
                                                   "subarray.adc.columns_per_adc=4"],
                                options=SimOptions().ideal(), progress=False)
    assert res.samples == len(ds)
    assert res.accuracies == (res.ideal_accuracy, res.ideal_accuracy)


def test_cli_warns_when_the_model_has_no_weights(digits_model, capsys) -> None:
    """A model file without --weights/WEIGHTS is untrained: say so on stderr (the run
    still goes ahead: a user may study an untrained network on purpose)."""
    _, py, pt = digits_model
    rc = main(["accuracy", "default", "--model", str(py), "--dataset", "digits", "--runs", "1",
               "--limit", "16", "--no-progress"])
    assert rc == 0
    err = capsys.readouterr().err
    assert "untrained" in err and "--weights" in err
    rc = main(["accuracy", "default", "--model", str(py), "--weights", str(pt),
               "--dataset", "digits", "--runs", "1", "--limit", "16", "--no-progress"])
    assert rc == 0
    assert "untrained" not in capsys.readouterr().err


def test_activity_histogram_of_a_trained_model_spans_codes(digits_model, tmp_path,
                                                           capsys) -> None:
    """The ADC histogram of a trained model is not all zeros: the last layer (fan-in 512,
    32-row reads) reaches several codes; a narrower ADC range moves codes up."""
    _, py, pt = digits_model
    means = []
    for frac in ("1.0", "0.25"):
        act = tmp_path / f"act_{frac}.json"
        rc = main(["accuracy", "default", "--model", str(py), "--weights", str(pt),
                   "--dataset", "digits", "--runs", "1", "--limit", "64",
                   "--set", "subarray.rows=32", "--set", "subarray.cols=32",
                   "--set", "subarray.adc.columns_per_adc=4", "--adc-range-fraction", frac,
                   "--activity-out", str(act), "--no-progress"])
        assert rc == 0
        hist = json.loads(act.read_text())["layers"]["6"]["adc_code_histogram"]
        assert sum(1 for c in hist if c > 0) >= 4  # at least four distinct codes occur
        means.append(sum(i * c for i, c in enumerate(hist)) / sum(hist))
    assert means[1] > 2 * means[0]
    capsys.readouterr()
    assert main(["accuracy", "default", "--model", str(py), "--weights", str(pt),
                 "--dataset", "digits", "--adc-range-fraction", "1.5", "--no-progress"]) == 1
    assert "--adc-range-fraction" in capsys.readouterr().err
