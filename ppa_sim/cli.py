"""``ppa-sim``: the command line. A thin layer over :mod:`ppa_sim.api`.

Each sub-command lives in ``ppa_sim/_commands/<name>.py`` with
``add_arguments(parser)`` and ``run(args) -> int``. User errors
(:class:`~ppa_sim.errors.PpaSimError`) print one clear message and exit 1;
``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap

from ppa_sim import __version__
from ppa_sim.errors import PpaSimError

COMMANDS: list[tuple[str, str, str]] = [
    ("estimate", "ppa_sim._commands.estimate",
     "area, energy, latency, throughput of a network on an architecture"),
    ("accuracy", "ppa_sim._commands.accuracy",
     "accuracy of a trained model on the same hardware (mean ± std over chip instances)"),
    ("sweep", "ppa_sim._commands.sweep",
     "design-space exploration: evaluate a sweep spec into a resumable SQLite store"),
    ("report", "ppa_sim._commands.report", "HTML report and Pareto tables from a sweep store"),
    ("train", "ppa_sim._commands.train", "hardware-aware training of a model"),
    ("validate", "ppa_sim._commands.validate", "check YAML files (technology, architecture, sweep)"),
    ("list", "ppa_sim._commands.listing",
     "list built-in networks, nodes, devices, architectures, components"),
    ("validate-published", "ppa_sim._commands.published",
     "compare ppa_sim with published silicon and simulator figures"),
]

EPILOG = textwrap.dedent("""\
    examples:
      ppa-sim list architectures
      ppa-sim estimate architectures/default.yaml --network vgg8
      ppa-sim estimate default --network resnet18 --per-layer --html out/report.html
      ppa-sim estimate default --network vgg8 --set subarray.adc.bits=6 --format json
      ppa-sim validate technology/ architectures/
      ppa-sim sweep examples/sweep_vgg8.yaml --out out/sweep.sqlite --workers 2
      ppa-sim report out/sweep.sqlite --html out/sweep.html

    Every architecture references a CMOS node and a memory device from technology/;
    '--set KEY=VALUE' overrides any field (dotted path), validated like the file.
    'ppa-sim COMMAND --help' explains each command; docs/cli.md has worked examples.

    exit codes: 0 success; 1 a user error (bad file, key, value, network, design that
    does not fit), printed as one message without a traceback (--debug shows it);
    2 a bad command line; 130 interrupted.
    """)

DESCRIPTION = textwrap.dedent("""\
    Power, area, latency and accuracy of memristive compute-in-memory accelerators,
    from one technology + architecture description (NeuroSim-style estimation and
    aihwkit-style accuracy simulation under the same non-idealities).""")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ppa-sim",
        description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ppa-sim {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show Python tracebacks for errors (for bug reports)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, mod_name, help_text in COMMANDS:
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as e:
            if e.name == mod_name:
                continue  # command not built yet
            raise
        p = sub.add_parser(name, help=help_text, description=getattr(mod, "DESCRIPTION",
                                                                      help_text),
                           epilog=getattr(mod, "EPILOG", None),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show Python tracebacks for errors")
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except PpaSimError as e:
        if getattr(args, "debug", False):
            raise
        print(f"ppa-sim {args.command}: error:\n{_indent(str(e))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
