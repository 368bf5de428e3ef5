"""``ppa-sim estimate ARCH --network NET``: area, energy, latency and throughput."""

from __future__ import annotations

import argparse
import json
import sys

DESCRIPTION = """Estimate chip area, energy per inference, latency and throughput of a
network on a CIM architecture (NeuroSim-style mapping, dataflow and roll-up).

The architecture is a YAML file or a shipped name (see 'ppa-sim list
architectures'); the network a zoo name ('ppa-sim list networks'), a .py file
with a model() factory, an .onnx file or a NeuroSim-format .csv."""

EPILOG = """examples:
  ppa-sim estimate architectures/neurosim_v14_sram_22nm.yaml --network vgg8
  ppa-sim estimate default --network resnet18 --per-layer
  ppa-sim estimate default --network vgg8 --format json --set subarray.adc.bits=6
  ppa-sim estimate default --network vgg8 --set subarray.parallel_rows=32 \\
      --set technology.device.r_on_ohm=1e5 --format csv > vgg8.csv
  ppa-sim estimate default --network vgg8 --activity out/activity.json --html out/vgg8.html
  ppa-sim accuracy default --model net.py --dataset digits --format json > out/acc.json
  ppa-sim estimate default --network net.py --accuracy out/acc.json --html out/net.html

--set KEY=VALUE (repeatable) overrides any architecture field by its dotted path,
and technology fields as technology.node.FIELD / technology.device.FIELD; the
values are validated like the file. --activity takes the per-layer activity
JSON written by 'ppa-sim accuracy' (schema ppa_sim.activity/1) in place of the
architecture's assumed activity. --accuracy takes the JSON printed by
'ppa-sim accuracy --format json' (schema ppa_sim.accuracy/1) and shows it
(hardware accuracy mean ± std over chips vs the ideal model) in the HTML report
and under the table."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("arch", metavar="ARCH.yaml",
                   help="architecture YAML file or shipped architecture name")
    p.add_argument("--network", "-n", required=True, metavar="NAME|FILE",
                   help="zoo name (vgg8, resnet18, ...) or model file (.py, .onnx, .csv)")
    p.add_argument("--format", "-f", choices=["table", "json", "csv"], default="table",
                   help="output format on stdout (default: table)")
    p.add_argument("--per-layer", action="store_true",
                   help="also print one row per layer (table format)")
    p.add_argument("--html", metavar="OUT.html", help="also write an HTML report")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY=VALUE",
                   help="override a field by dotted path, e.g. subarray.adc.bits=6 "
                        "(repeatable)")
    p.add_argument("--activity", metavar="FILE.json",
                   help="measured per-layer activity (from 'ppa-sim accuracy')")
    p.add_argument("--accuracy", metavar="FILE.json",
                   help="accuracy result to show in the report (from 'ppa-sim accuracy "
                        "--format json')")
    p.add_argument("--training", action="store_true",
                   help="cost one on-chip training step per image instead of an inference")


def _fallback_table(est) -> str:  # noqa: ANN001 - used only if the report package is absent
    from tabulate import tabulate

    rows = [(k, f"{v:.4g}") for k, v in est.totals().items()]
    return tabulate(rows, headers=["figure", "value"])


def run(args: argparse.Namespace) -> int:
    from ppa_sim.api import estimate, load_design, load_network

    design = load_design(args.arch, args.overrides)
    accuracy = None
    if args.accuracy:  # read before the estimate so a bad file fails fast
        from ppa_sim.report.export import load_accuracy_json

        accuracy = load_accuracy_json(args.accuracy)
        if accuracy.architecture and accuracy.architecture != design.arch.name:
            print(f"warning: {args.accuracy} was simulated on architecture "
                  f"{accuracy.architecture!r}, this estimate is for {design.arch.name!r}",
                  file=sys.stderr)
    net = load_network(args.network)
    est = estimate(design, net, activity=args.activity, training=args.training)
    if args.format == "json":
        json.dump(est.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        from ppa_sim.report.export import estimate_csv

        sys.stdout.write(estimate_csv(est))
    else:
        try:
            from ppa_sim.report.text import render_estimate
        except ImportError:  # reports not installed: plain totals
            sys.stdout.write(_fallback_table(est) + "\n")
        else:
            sys.stdout.write(render_estimate(est, per_layer=args.per_layer))
        if est.meta.get("training_cost"):
            from ppa_sim.training_cost import render_training_cost

            sys.stdout.write("\n" + render_training_cost(est.meta["training_cost"]))
        if accuracy is not None:
            sys.stdout.write(f"\naccuracy ({accuracy.dataset or 'data set'}, "
                             f"{len(accuracy.accuracies)} chips): "
                             f"{100 * accuracy.mean:.2f} ± {100 * accuracy.std:.2f} % "
                             f"(ideal {100 * accuracy.ideal_accuracy:.2f} %)\n")
    if args.html:
        from ppa_sim.report.html import write_estimate_html

        path = write_estimate_html(est, args.html, accuracy=accuracy)
        print(f"report written to {path}", file=sys.stderr)
    return 0
