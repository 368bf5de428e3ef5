"""``ppa-sim list WHAT``: built-in networks, nodes, devices, architectures, components."""

from __future__ import annotations

import argparse

from tabulate import tabulate

DESCRIPTION = "List what ships with ppa_sim, one line each."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["networks", "nodes", "devices", "architectures",
                                    "components"])


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def run(args: argparse.Namespace) -> int:
    from ppa_sim.spec import load

    if args.what == "nodes":
        rows = []
        for _name, path in load.node_files().items():
            n = load.load_node(path)
            rows.append((n.name, n.node_nm, n.vdd_v, n.ion_n_ua_per_um,
                         _first_line(n.description)))
        rows.sort(key=lambda r: -r[1])
        print(tabulate(rows, headers=["node", "nm", "Vdd (V)", "Ion,n (µA/µm)", "description"]))
    elif args.what == "devices":
        rows = []
        for _name, path in sorted(load.device_files().items()):
            d = load.load_device(path)
            rows.append((d.name, d.kind, f"{d.r_on_ohm:.3g}", f"{d.r_off_ohm:.3g}", d.levels,
                         _first_line(d.description)))
        print(tabulate(rows, headers=["device", "kind", "R_on (Ω)", "R_off (Ω)", "levels",
                                      "description"]))
    elif args.what == "architectures":
        rows = []
        for name, path in sorted(load.architecture_files().items()):
            raw = load.load_architecture_raw(path)
            tech = raw.get("technology") or {}
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
    return 0
