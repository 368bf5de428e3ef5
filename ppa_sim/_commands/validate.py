"""``ppa-sim validate FILE...``: check configuration files without running anything."""

from __future__ import annotations

import argparse
import glob
import os
import sys
from pathlib import Path

from ppa_sim.errors import ConfigError, PpaSimError

DESCRIPTION = """Check technology (CMOS node, memory device), architecture and sweep YAML
files without running anything. What a file describes is recognised from its keys.

For every problem prints file:line, the key path, the bad value and what is
allowed; an architecture is checked together with the node and device it
references (e.g. 2-bit cells need a device with >= 4 levels). Exit code 0 when
every file is valid, 1 otherwise."""

EPILOG = """examples:
  ppa-sim validate architectures/default.yaml
  ppa-sim validate my_arch.yaml my_device.yaml examples/sweep_vgg8.yaml
  ppa-sim validate technology/ architectures/        # every *.yaml under the folders
  ppa-sim validate 'technology/**/*.yaml' -q         # quote globs for old shells

output:
  ok     architectures/default.yaml (architecture)
  error: my_arch.yaml:23: subarray.adc.kind: unknown adc kind (did you mean 'sar'?);
         got 'sarr'; allowed: cco, flash, mlsa, ramp, sar"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="YAML files or folders (every *.yaml/*.yml below a folder is checked; "
                        "globs such as 'technology/**/*.yaml' are expanded)")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")


def run(args: argparse.Namespace) -> int:
    from ppa_sim.spec.load import validate_file

    files: list[str] = []
    bad_dirs: list[str] = []
    for pattern in args.files:
        matches = sorted(glob.glob(pattern, recursive=True)) if any(
            c in pattern for c in "*?[") else [pattern]
        if not matches:
            matches = [pattern]
        for m in matches:
            if os.path.isdir(m):  # a folder: every YAML file below it
                found = sorted(str(f) for f in Path(m).rglob("*")
                               if f.suffix in (".yaml", ".yml") and f.is_file())
                if not found:
                    print(f"error: {m}: folder holds no .yaml files", file=sys.stderr)
                    bad_dirs.append(m)
                files.extend(found)
            else:
                files.append(m)
    bad = len(bad_dirs)
    for f in files:
        try:
            kind = validate_file(f)
        except ConfigError as e:
            bad += 1
            for prob in e.problems:
                print(f"error: {prob.format()}", file=sys.stderr)
            continue
        except PpaSimError as e:
            bad += 1
            print(f"error: {f}: {e}", file=sys.stderr)
            continue
        if not args.quiet:
            print(f"ok     {f} ({kind})")
    if bad:
        print(f"{bad} of {len(files) + len(bad_dirs)} file(s) invalid", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"all {len(files)} file(s) valid")
    return 0
