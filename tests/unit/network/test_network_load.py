"""load_network: every kind of reference, and clear errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from ppa_sim import api
from ppa_sim.errors import NetworkError
from ppa_sim.network import models, zoo
from ppa_sim.network.load import load_network

ROOT = Path(__file__).resolve().parents[3]


def test_zoo_names_and_networks_pass_through() -> None:
    net = load_network("vgg8")
    assert net is zoo.get("vgg8")
    assert load_network(net) is net
    assert load_network("ResNet-20").name == "resnet20"
    assert api.load_network("lenet5") is zoo.get("lenet5")


def test_module_with_example_input() -> None:
    m = models.lenet5()
    assert load_network(m).layers == zoo.get("lenet5").layers
    net = load_network(m, example_input=torch.zeros(2, 1, 28, 28))
    assert net.macs == zoo.get("lenet5").macs


def test_example_files(tmp_path: Path) -> None:
    py = load_network(ROOT / "examples" / "networks" / "my_cnn.py")
    assert py.name == "my_cnn" and py.input_shape == (3, 32, 32)
    assert py.layer("depthwise").groups == 32
    assert py.layer("add").inputs == ("features.3", "res")
    csv = load_network(str(ROOT / "examples" / "networks" / "NetWork_VGG8.csv"))
    assert csv.macs == zoo.get("vgg8").macs


def test_python_model_file_variants(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import torch\nfrom ppa_sim.network import models\n"
        "def build_model():\n    return models.resnet20()\n"
        "def example_input():\n    return torch.zeros(1, 3, 16, 16)\n")
    net = load_network(tmp_path / "a.py")
    assert net.name == "a" and net.input_shape == (3, 16, 16)
    assert net.layer("fc").in_shape == (64,)
    (tmp_path / "b.py").write_text(
        "from torch import nn\nMODEL = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))\n"
        "INPUT_SHAPE = (3, 4)\n")
    assert load_network(tmp_path / "b.py").layer("1").macs == 36


@pytest.mark.parametrize("source,match", [
    ("raise RuntimeError('boom')\n", r"running the model file failed: RuntimeError: boom"),
    ("x = 1\n", "defines none of model, build_model, MODEL"),
    ("def model():\n    return 3\n", "returned a int, not a torch.nn.Module"),
    ("def model():\n    raise ValueError('no')\n", "building the model failed: ValueError"),
    ("from torch import nn\ndef model():\n    return nn.Linear(3, 4)\n",
     "give an example input"),
])
def test_bad_python_files(tmp_path: Path, source: str, match: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(source)
    with pytest.raises(NetworkError, match=match):
        load_network(path)


def test_unknown_references(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match="not a built-in network.*vgg8.*nor a"):
        load_network("no_such_net")
    with pytest.raises(NetworkError, match="network file not found"):
        load_network(tmp_path / "missing.onnx")
    (tmp_path / "net.txt").write_text("1")
    with pytest.raises(NetworkError, match="unknown network file type '.txt'"):
        load_network(tmp_path / "net.txt")
    with pytest.raises(NetworkError, match="cannot make a network from a int"):
        load_network(3)


def test_precision_rules_from_model_file(tmp_path: Path) -> None:
    net = load_network(ROOT / "examples" / "networks" / "my_cnn.py")
    assert (net.layer("features.0").weight_bits, net.layer("fc").act_bits) == (8, 8)
    assert net.layer("res").weight_bits is None  # the architecture's setting
    (tmp_path / "p.py").write_text(
        "from ppa_sim.network import models\nMODEL = models.lenet5\n"
        "PRECISION = {'conv9': {'weight_bits': 4}}\n")
    with pytest.raises(NetworkError, match=r"p\.py: PRECISION: .*'conv9' matches no"):
        load_network(tmp_path / "p.py")
