"""``ppa-sim train ARCH --model ... --dataset ...``: hardware-aware or on-chip training."""

from __future__ import annotations

import argparse
import json
import textwrap

from ppa_sim._commands._sim_args import (
    add_design_and_model,
    add_non_ideality_switches,
    sim_options,
)

DESCRIPTION = """Train (or fine-tune) a model so that it survives the hardware.

Default: hardware-aware training off chip. The forward pass of every conv/linear
layer runs on the architecture's crossbar model (weights quantised to the cell
levels, device variation and stuck-at faults of a new simulated chip at every
step, read noise, DAC/ADC quantisation), the backward pass is straight-through.
The model is then evaluated on --eval-runs simulated chips before and after.

--on-chip instead simulates training ON the chip: SGD with momentum whose weight
updates are programming pulses on the devices (the device's 'update:'
parameters: pulses, LTP/LTD nonlinearity, cycle-to-cycle and device-to-device
variation, endurance), as DNN+NeuroSim V2.1 does."""

EPILOG = textwrap.dedent("""\
    examples:
      ppa-sim train survey_16x16_rram --model net.py --weights net.pt --dataset digits \\
          --epochs 10 --lr 0.02 --out out/net_hwa.pt
      ppa-sim train survey_16x16_rram --model net.py --dataset digits --epochs 20 \\
          --out out/net_hwa.pt --resume            # continue an interrupted run
      ppa-sim train default --model net.py --dataset digits --plain --epochs 30 \\
          --out out/net_fp.pt                      # floating-point baseline
      ppa-sim train default --model net.py --dataset digits --on-chip --epochs 5 \\
          --lr 0.1 --gradient-scaling max --out out/net_onchip.pt

    --out is a checkpoint (torch.save of a dict: state_dict, optimizer, epoch,
    history), written after every epoch; --resume continues from it. Its
    state_dict loads with 'ppa-sim accuracy --weights FILE'. --model is a Python
    file defining model() (or build_model(), or MODEL) or a zoo network name.
    The cost of training on chip: 'ppa-sim estimate ARCH --network NET --training'.
    """)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_design_and_model(p, "initial state_dict (torch.save)", "subarray.adc.bits=6")
    p.add_argument("--dataset", required=True, choices=["digits", "mnist"],
                   help="built-in data set (trains on its train split, evaluates on test)")
    p.add_argument("--epochs", type=int, default=5, help="epochs in total (default 5)")
    p.add_argument("--out", required=True, metavar="CKPT.pt", help="checkpoint file")
    p.add_argument("--resume", action="store_true",
                   help="continue from --out if it exists (model, optimizer, epoch)")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate (default: sgd 0.05, adam 0.001)")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (0.9)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plain", action="store_true",
                   help="train in floating point (no hardware in the loop): the baseline")
    p.add_argument("--no-clip", action="store_true",
                   help="no weight clipping (default: ±2.5 σ of the initial weights)")
    add_non_ideality_switches(p)
    p.add_argument("--on-chip", action="store_true",
                   help="simulate on-chip training with the device's update model instead")
    p.add_argument("--gradient-scaling", choices=["none", "max"], default="none",
                   help="--on-chip: 'max' = NeuroSim V2.1's per-layer max-normalised update")
    p.add_argument("--eval-runs", type=int, default=3,
                   help="simulated chips for the before/after accuracy (0 = skip)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.2f} %"


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import torch

    from ppa_sim.accuracy.data import load_model
    from ppa_sim.api import load_design
    from ppa_sim.errors import PpaSimError

    if args.epochs < 0:
        raise PpaSimError(f"--epochs must be >= 0, got {args.epochs}")
    if args.eval_runs < 0:
        raise PpaSimError(f"--eval-runs must be >= 0, got {args.eval_runs}")
    design = load_design(args.arch, args.overrides)
    torch.manual_seed(args.seed)  # a factory's random initial weights follow --seed
    model = load_model(args.model, args.weights)
    if args.resume and not args.on_chip and Path(args.out).exists():
        # 'before' is the model being resumed: the checkpoint's weights
        from ppa_sim.accuracy.data import load_state_dict
        from ppa_sim.errors import NetworkError

        try:
            model.load_state_dict(load_state_dict(args.out))
        except RuntimeError as e:
            raise NetworkError(f"{args.out}: checkpoint does not fit the model: {e}") from None
    opts = sim_options(args)
    progress = not args.no_progress

    def hw_accuracy(m: torch.nn.Module) -> tuple[float, float, float] | None:
        if args.eval_runs == 0:
            return None
        from ppa_sim.accuracy.evaluate import simulate_accuracy

        r = simulate_accuracy(m, args.dataset, design, runs=args.eval_runs, seed=1000,
                              options=opts, digital=args.digital, progress=progress)
        return r.ideal_accuracy, r.mean, r.std

    before = hw_accuracy(model)
    out: dict = {"schema": "ppa_sim.train/1", "architecture": design.arch.name,
                 "device": design.tech.device.name, "dataset": args.dataset,
                 "checkpoint": args.out}
    if args.on_chip:
        if args.resume:
            raise PpaSimError("--resume is not available with --on-chip (the device states "
                              "are not checkpointed)")
        from ppa_sim.accuracy.onchip import train_on_chip

        lr = 0.05 if args.lr is None else args.lr
        res = train_on_chip(model, args.dataset, design, epochs=args.epochs, lr=lr,
                            momentum=args.momentum, batch_size=args.batch_size,
                            gradient_scaling=args.gradient_scaling, digital=args.digital,
                            test_data=args.dataset, seed=args.seed, progress=progress)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        torch.save({"state_dict": res.model.state_dict(), "epoch": args.epochs,
                    "update_stats": res.stats.as_dict()}, args.out)
        trained = res.model
        history = [{"epoch": h.epoch, "loss": h.loss, "train_accuracy": h.train_accuracy,
                    "test_accuracy": h.test_accuracy} for h in res.history]
        out["mode"] = "on-chip"
        out["update_stats"] = res.stats.as_dict()
        out["update"] = res.update.model_dump()
    else:
        from ppa_sim.accuracy.training import train

        res = train(model, args.dataset, design, epochs=args.epochs, optimizer=args.optimizer,
                    lr=args.lr, momentum=args.momentum, batch_size=args.batch_size,
                    options=opts, digital=args.digital, hardware_aware=not args.plain,
                    clip_sigma=None if args.no_clip else 2.5, seed=args.seed,
                    checkpoint=args.out, resume=args.resume, progress=progress)
        trained = res.model
        history = [{"epoch": h.epoch, "loss": h.loss, "train_accuracy": h.train_accuracy,
                    "test_accuracy": None} for h in res.history]
        out["mode"] = "plain" if args.plain else "hardware-aware"
    after = hw_accuracy(trained)
    out["history"] = history
    for key, val in (("before", before), ("after", after)):
        if val is not None:
            out[key] = {"ideal_accuracy": val[0], "hardware_accuracy_mean": val[1],
                        "hardware_accuracy_std": val[2], "chips": args.eval_runs}
    if args.format == "json":
        print(json.dumps(out, indent=1))
        return 0
    from tabulate import tabulate

    print(f"{out['mode']} training on {design.arch.name} ({design.tech.device.name}), "
          f"{args.dataset}; checkpoint {args.out}")
    if history:
        heads = ["epoch", "loss", "train acc (hardware forward)" if out["mode"] ==
                 "hardware-aware" else "train acc"] + (["test acc"] if args.on_chip else [])
        print(tabulate([(h["epoch"], f"{h['loss']:.4f}", _pct(h["train_accuracy"]))
                        + ((_pct(h["test_accuracy"]),) if args.on_chip else ())
                        for h in history], headers=heads, disable_numparse=True))
    else:
        print("nothing to do: the checkpoint already has the requested epochs")
    if before is not None and after is not None:
        print()
        print(tabulate([("before", _pct(before[0]), f"{_pct(before[1])} ± {_pct(before[2])}"),
                        ("after", _pct(after[0]), f"{_pct(after[1])} ± {_pct(after[2])}")],
                       headers=["model", "ideal (software)",
                                f"hardware ({args.eval_runs} chips)"], disable_numparse=True))
    if args.on_chip:
        s = out["update_stats"]
        print(f"\nupdates: {s['updates']}, pulses/device/update "
              f"{s['pulses_per_device_update']:.3g}, devices pulsed per update "
              f"{100 * s['updated_fraction']:.1f} %, "
              f"worn-out devices {s['dead_devices']}")
    return 0
