"""Hand-built networks and designs for the mapping tests (independent of the zoo).

Imported by the tests of this folder (pytest puts the folder on sys.path)."""

from __future__ import annotations

from ppa_sim.network import Layer, Network
from ppa_sim.spec.load import design_from_dict


def conv(name: str, cin: int, cout: int, hw: int, k: int = 3, groups: int = 1,
         inputs: tuple[str, ...] = ()) -> Layer:
    return Layer(name, "conv2d", (cin, hw, hw), (cout, hw, hw), inputs=inputs,
                 in_channels=cin, out_channels=cout, kernel=(k, k),
                 padding=(k // 2, k // 2), groups=groups)


def fc(name: str, nin: int, nout: int) -> Layer:
    return Layer(name, "linear", (nin,), (nout,), in_channels=nin, out_channels=nout)


def vgg8() -> Network:
    """DNN+NeuroSim's VGG-8 for CIFAR-10 (NetWork_VGG8.csv of V1.3/V1.4)."""
    L = [conv("conv1", 3, 128, 32), conv("conv2", 128, 128, 32),
         Layer("pool1", "pool", (128, 32, 32), (128, 16, 16), pool="max"),
         conv("conv3", 128, 256, 16), conv("conv4", 256, 256, 16),
         Layer("pool2", "pool", (256, 16, 16), (256, 8, 8), pool="max"),
         conv("conv5", 256, 512, 8), conv("conv6", 512, 512, 8),
         Layer("pool3", "pool", (512, 8, 8), (512, 4, 4), pool="max"),
         fc("fc1", 8192, 1024), fc("fc2", 1024, 10)]
    return Network("vgg8_hand", (3, 32, 32), tuple(L))


BASE = {"name": "t", "technology": {"node": "22nm", "device": "rram"},
        "subarray": {"rows": 128, "cols": 128, "cell": {"type": "1t1r", "bits": 2}}}


def design(**over: object):
    return design_from_dict(dict(BASE), overrides=over)

