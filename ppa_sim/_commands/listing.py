"""``ppa-sim list WHAT``: built-in networks, nodes, devices, architectures, components."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tabulate import tabulate

from ppa_sim.errors import ConfigError

DESCRIPTION = """List what ships with ppa_sim, one line each.

nodes, devices and architectures come from the technology/ and architectures/
folders (PPA_SIM_DATA points at another data folder); a file there that does
not validate is reported on stderr and makes the exit code 1."""

EPILOG = """what:
  networks       built-in networks (name, MMACs, parameters, weight layers, input shape)
  nodes          CMOS nodes in technology/cmos/ (name, Vdd, transistor on-current)
  devices        memory devices in technology/devices/ (kind, R_on, R_off, levels)
  architectures  shipped designs in architectures/ (the names 'estimate' accepts)
  components     registered component models per group (the 'kind:' values allowed)

examples:
  ppa-sim list architectures
  ppa-sim list devices
  ppa-sim estimate published/isaac_32nm --network resnet18   # a name from the list
  ppa-sim estimate default --network vgg8 --set technology.device=pcm"""

#: Longest description shown (one line per item; the full text is in the YAML file).
_DESC_WIDTH = 72


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["networks", "nodes", "devices", "architectures",
                                    "components"], help="what to list (see below)")


def _ohm(r: float) -> str:
    """A resistance with an SI prefix (``100 k``, ``1.7 M``, ``390 G``) so columns compare."""
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(r) >= scale:
            return f"{r / scale:.3g} {prefix}"
    return f"{r:.3g} "


def _first_line(text: str) -> str:
    """First line of a description, cut to :data:`_DESC_WIDTH` characters with '…'."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= _DESC_WIDTH else line[:_DESC_WIDTH - 1].rstrip() + "…"


def _load_all(folder: Path, loader: Callable[[Path], Any]) -> tuple[list[Any], list[str]]:
    """Every YAML under ``folder`` through ``loader``: (models, error lines)."""
    models, errors = [], []
    for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
        try:
            models.append(loader(path))
        except ConfigError as e:
            errors.extend(f"error: {p.format()}" for p in e.problems)
    return models, errors


def run(args: argparse.Namespace) -> int:
    from ppa_sim.spec import load

    errors: list[str] = []
    if args.what == "nodes":
        nodes, errors = _load_all(load.technology_dir() / "cmos", load.load_node)
        rows = [(n.name, f"{n.node_nm:g}", n.vdd_v, n.ion_n_ua_per_um,
                 _first_line(n.description))
                for n in sorted(nodes, key=lambda n: -n.node_nm)]
        print(tabulate(rows, headers=["node", "nm", "Vdd (V)", "Ion,n (µA/µm)", "description"]))
    elif args.what == "devices":
        devices, errors = _load_all(load.technology_dir() / "devices", load.load_device)
        rows = [(d.name, d.kind, _ohm(d.r_on_ohm), _ohm(d.r_off_ohm), d.levels,
                 _first_line(d.description)) for d in sorted(devices, key=lambda d: d.name)]
        print(tabulate(rows, headers=["device", "kind", "R_on (Ω)", "R_off (Ω)", "levels",
                                      "description"],
                       colalign=("left", "left", "right", "right", "right", "left"),
                       disable_numparse=True))
    elif args.what == "architectures":
        rows = []
        for name, path in sorted(load.architecture_files().items()):
            try:
                raw = load.load_architecture_raw(path)
            except ConfigError as e:
                errors.extend(f"error: {p.format()}" for p in e.problems)
                continue
            tech = raw.get("technology")
            tech = tech if isinstance(tech, dict) else {}
            rows.append((name, tech.get("node", ""), tech.get("device", ""),
                         _first_line(str(raw.get("description", "")))))
        print(tabulate(rows, headers=["architecture", "node", "device", "description"]))
    elif args.what == "components":
        from ppa_sim.components import registry

        rows = [(g, ", ".join(registry.kinds(g))) for g in registry.groups()]
        print(tabulate(rows, headers=["group", "kinds"]))
    elif args.what == "networks":
        from ppa_sim.network import zoo

        rows = []
        for name in zoo.names():
            net = zoo.get(name)
            rows.append((name, f"{net.macs / 1e6:,.1f}", f"{net.params / 1e6:,.2f}",
                         len(net.weight_layers), "x".join(map(str, net.input_shape)),
                         _first_line(net.description)))
        print(tabulate(rows, headers=["network", "MMACs", "M params", "weight layers",
                                      "input", "description"]))
    for line in errors:
        print(line, file=sys.stderr)
    return 1 if errors else 0
