"""``ppa-sim train``: hardware-aware, resume, plain baseline, on-chip, errors."""

from __future__ import annotations

import json

import torch

from ppa_sim.cli import main

NET = '''
from torch import nn


def model():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
'''


def test_train_resume_and_accuracy_weights(tmp_path, capsys) -> None:
    py = tmp_path / "net.py"
    py.write_text(NET)
    ck = tmp_path / "out" / "ck.pt"
    argv = ["train", "survey_16x16_rram", "--model", str(py), "--dataset", "digits",
            "--out", str(ck), "--no-progress", "--eval-runs", "1"]
    assert main(argv + ["--epochs", "1", "--format", "json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["mode"] == "hardware-aware" and len(j["history"]) == 1
    assert 0 <= j["after"]["hardware_accuracy_mean"] <= 1
    ck_data = torch.load(ck, weights_only=True)
    assert ck_data["epoch"] == 1
    # resume to 2 epochs: only epoch 2 runs, the history keeps epoch 1
    assert main(argv + ["--epochs", "2", "--resume"]) == 0
    out = capsys.readouterr().out
    assert "hardware-aware training on survey_16x16_rram" in out
    assert "before" in out and "after" in out
    assert torch.load(ck, weights_only=True)["epoch"] == 2
    # resuming a finished checkpoint trains nothing: 'before' is the checkpoint's model
    # (not a freshly initialised one), so before == after
    assert main(argv + ["--epochs", "2", "--resume", "--format", "json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert len(j["history"]) == 2 and j["before"] == j["after"]
    assert j["before"]["ideal_accuracy"] > 0.5
    # the checkpoint is a weights file for the accuracy command
    assert main(["accuracy", "survey_16x16_rram", "--model", str(py), "--weights", str(ck),
                 "--dataset", "digits", "--runs", "1", "--no-progress"]) == 0
    assert "hardware accuracy" in capsys.readouterr().out


def test_on_chip_mode(tmp_path, capsys) -> None:
    py = tmp_path / "net.py"
    py.write_text(NET)
    out = tmp_path / "oc.pt"
    assert main(["train", "default", "--model", str(py), "--dataset", "digits", "--on-chip",
                 "--epochs", "1", "--lr", "0.1", "--gradient-scaling", "max", "--out",
                 str(out), "--no-progress", "--eval-runs", "0", "--format", "json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["mode"] == "on-chip" and j["update"]["pulses"] == 32
    assert j["history"][0]["test_accuracy"] > 0.3
    assert j["update_stats"]["updates"] > 0
    assert out.exists()


def test_errors(tmp_path, capsys) -> None:
    py = tmp_path / "net.py"
    py.write_text(NET)
    base = ["train", "default", "--model", str(py), "--dataset", "digits", "--out",
            str(tmp_path / "x.pt"), "--no-progress", "--eval-runs", "0"]
    assert main(base + ["--on-chip", "--resume"]) == 1
    assert "--resume is not available" in capsys.readouterr().err
    assert main(base + ["--epochs", "-1"]) == 1
    assert main(["train", "neurosim_v14_sram_22nm", "--model", str(py), "--dataset", "digits",
                 "--out", str(tmp_path / "y.pt"), "--on-chip", "--no-progress",
                 "--eval-runs", "0"]) == 1
    assert "no 'update:'" in capsys.readouterr().err
