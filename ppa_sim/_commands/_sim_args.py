"""Command-line arguments that ``accuracy`` and ``train`` share: the design, the model and
the non-idealities switched off, and the :class:`~ppa_sim.accuracy.SimOptions` they give."""

from __future__ import annotations

import argparse
from typing import Any

#: ``--no-FLAG`` switches and the SimOptions field each one turns off.
NON_IDEALITY_FLAGS = (("variation", "variation", "device-to-device variation"),
                      ("read-noise", "read_noise", "cycle-to-cycle read noise"),
                      ("faults", "faults", "stuck-at faults"),
                      ("adc", "adc", "ADC quantisation"),
                      ("dac", "dac", "input quantisation"))


def add_design_and_model(p: argparse.ArgumentParser, weights_help: str,
                         set_example: str) -> None:
    """ARCH, --model, --weights, --set and --digital."""
    p.add_argument("arch", metavar="ARCH", help="architecture YAML (path or shipped name)")
    p.add_argument("--model", required=True,
                   help="Python file with a model() factory, or a zoo network name")
    p.add_argument("--weights", default=None, help=weights_help)
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V",
                   help=f"override an architecture/technology field, e.g. {set_example}")
    p.add_argument("--digital", action="append", default=[], metavar="LAYER",
                   help="keep this layer (module qualified name) in floating point")


def add_non_ideality_switches(p: argparse.ArgumentParser) -> None:
    """--no-variation, --no-read-noise, --no-faults, --no-adc, --no-dac."""
    for flag, _field, what in NON_IDEALITY_FLAGS:
        p.add_argument(f"--no-{flag}", action="store_true", help=f"switch off {what}")


def sim_options(args: argparse.Namespace, **extra: Any):  # noqa: ANN201 (lazy torch import)
    """SimOptions from the --no-* switches, plus ``extra`` fields."""
    from ppa_sim.accuracy.options import SimOptions

    off = {field: not getattr(args, "no_" + flag.replace("-", "_"))
           for flag, field, _what in NON_IDEALITY_FLAGS}
    return SimOptions(**off, **extra)
