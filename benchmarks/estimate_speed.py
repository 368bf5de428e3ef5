"""Speed of one in-process estimate (plan + schedule + component models + roll-up).

Prints the median wall time of ``ppa_sim.rollup.estimate_design`` for VGG-8 and
ResNet-50 on the DNN+NeuroSim V1.4 SRAM architecture, design and network already
loaded (what a sweep pays per design point). Targets: VGG-8 < 2 ms, ResNet-50 < 15 ms
on one core (min shown too: shared machines are noisy). Runs on one thread (torch is not used; OMP/MKL threads set to 1 anyway).

    .venv/bin/python benchmarks/estimate_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from ppa_sim.network import zoo  # noqa: E402
from ppa_sim.rollup import estimate_design  # noqa: E402
from ppa_sim.spec.load import load_design  # noqa: E402

TARGETS_MS = {"vgg8": 2.0, "resnet50": 15.0}


def times_ms(design, net, repeat: int) -> list[float]:
    estimate_design(design, net)  # warm-up: imports, registry
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        estimate_design(design, net)
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--arch", default="neurosim_v14_sram_22nm")
    args = ap.parse_args()
    design = load_design(args.arch)
    print(f"architecture {args.arch}, {args.repeat} repeats, 1 thread")
    for name, target in TARGETS_MS.items():
        net = zoo.get(name)
        t = times_ms(design, net, args.repeat)
        ms = statistics.median(t)
        print(f"{name:10s} {len(net.layers):4d} layers  median {ms:7.3f} ms  "
              f"(min {min(t):7.3f})  target {target:5.1f} ms  ratio {ms / target:5.2f}")


if __name__ == "__main__":
    main()
