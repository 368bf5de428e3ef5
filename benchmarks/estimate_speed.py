"""Speed of one in-process estimate (plan + schedule + component models + roll-up).

Times ``ppa_sim.rollup.estimate_design`` for VGG-8 and ResNet-50 on the DNN+NeuroSim
V1.4 SRAM architecture (``duplication: neurosim``) and on ``architectures/default.yaml``
(``duplication: auto``, where ResNet-50 makes the estimator rank smaller duplication
bounds with its timing-only pass before the one full roll-up), design and network
already loaded (what a sweep pays per design point; loading YAML and building the
network are excluded). Prints the median and the minimum wall time, the median CPU
time of the process (less sensitive to other jobs on a shared machine), the auto
duplication bound kept (``-`` when no smaller bound was kept or searched) and the
ratio of the median to the target: VGG-8 < 2 ms, ResNet-50 < 15 ms on one core.

Runs on ONE thread: OMP/MKL/OpenBLAS threads are set to 1 before anything is imported
and torch (imported by the network zoo) is set to 1 thread with
``torch.set_num_threads(1)``; the estimator itself is single-threaded Python.

For scale: one DNN+NeuroSim V1.4 run for one VGG-8 / CIFAR-10 design point (its PyTorch
inference front end, which also produces the activation traces, plus the C++ hardware
model) takes about 145 CPU-seconds (figure quoted in the estimator issue, #5).

Also prints what a fresh process pays before its first estimate: reading a zoo network
from the shipped ``ppa_sim/network/zoo_layers.json`` against tracing its torch definition
(what every CLI call did before the file existed), and the CPU time (user + system) of a
whole ``ppa-sim estimate default --network NAME`` process.

On a shared 2-core machine the wall times are bimodal (about 2x when another process
shares the core); the minimum is the quiet-machine figure.

    .venv/bin/python benchmarks/estimate_speed.py [--repeat N] [--arch NAME ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import torch  # noqa: E402

from ppa_sim.network import zoo  # noqa: E402
from ppa_sim.rollup import estimate_design  # noqa: E402
from ppa_sim.spec.load import load_design  # noqa: E402

torch.set_num_threads(1)

#: Targets of the estimator issue (#5): one in-process estimate, one core.
TARGETS_MS = {"vgg8": 2.0, "resnet50": 15.0}
#: DNN+NeuroSim V1.4, one VGG-8 design point (CPU-seconds; for scale only).
NEUROSIM_VGG8_CPU_S = 145.0


def measure(design, net, repeat: int) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) of ``repeat`` estimates after one warm-up call."""
    estimate_design(design, net)  # warm-up: imports, registry look-ups
    wall, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        estimate_design(design, net)
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return wall, cpu


def zoo_lookup_ms(name: str) -> tuple[float, float]:
    """(ms to read ``name`` from the shipped zoo data, ms to trace it with torch on meta;
    torch already imported, so a fresh process pays about 2 CPU-s more for tracing)."""
    t0 = time.perf_counter()
    raw, problem = zoo.read_data()
    if problem is not None:
        raise SystemExit(f"{problem}; run: {zoo.REGENERATE}")
    zoo._network_from_raw(raw[name])
    t1 = time.perf_counter()
    zoo.trace(name)
    return (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3


def cli_cpu_s(*args: str) -> float:
    """User + system CPU seconds of one fresh ``ppa-sim ARGS`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "ppa_sim.cli", *args], check=True,
                   stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--arch", nargs="+", default=["neurosim_v14_sram_22nm", "default"],
                    help="architectures to time (default: %(default)s)")
    args = ap.parse_args()
    print(f"{args.repeat} repeats, 1 thread (torch.get_num_threads() = "
          f"{torch.get_num_threads()}, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']})")
    print(f"{'architecture':24s} {'network':10s} {'layers':>6s} {'median ms':>10s} "
          f"{'min ms':>8s} {'cpu ms':>8s} {'bound':>5s} {'target ms':>9s} "
          f"{'median/target':>13s}")
    vgg_s = None
    for arch in args.arch:
        design = load_design(arch)
        for name, target in TARGETS_MS.items():
            net = zoo.get(name)
            wall, cpu = measure(design, net, args.repeat)
            med = statistics.median(wall)
            bound = estimate_design(design, net).meta.get("auto_duplication_bound", "-")
            print(f"{arch:24s} {name:10s} {len(net.layers):6d} {med:10.3f} {min(wall):8.3f} "
                  f"{statistics.median(cpu):8.3f} {bound!s:>5s} {target:9.1f} "
                  f"{med / target:13.2f}")
            if name == "vgg8" and vgg_s is None:
                vgg_s = med * 1e-3
    if vgg_s:
        print(f"for scale: DNN+NeuroSim V1.4 needs about {NEUROSIM_VGG8_CPU_S:.0f} CPU-s for "
              f"one VGG-8 design point, {NEUROSIM_VGG8_CPU_S / vgg_s:,.0f} x the first VGG-8 "
              f"median")
    zoo.trace("lenet5")  # warm-up: the first trace also loads torch.fx
    for name in TARGETS_MS:
        data_ms, trace_ms = zoo_lookup_ms(name)
        cpu_s = cli_cpu_s("estimate", "default", "--network", name)
        print(f"zoo {name}: read from zoo_layers.json {data_ms:.1f} ms, traced with torch "
              f"{trace_ms:.0f} ms ({trace_ms / data_ms:,.0f} x); fresh `ppa-sim estimate "
              f"default --network {name}` process {cpu_s:.2f} CPU-s")


if __name__ == "__main__":
    main()
