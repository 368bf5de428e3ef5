"""``ppa-sim validate FILE...``: check configuration files without running anything."""

from __future__ import annotations

import argparse
import glob
import sys

from ppa_sim.errors import ConfigError, PpaSimError

DESCRIPTION = """Check technology, architecture and sweep YAML files.

For every problem prints file:line, the key path, the bad value and what is
allowed. Exit code 0 when every file is valid, 1 otherwise."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="YAML files (globs such as 'technology/**/*.yaml' are expanded)")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")


def run(args: argparse.Namespace) -> int:
    from ppa_sim.spec.load import validate_file

    files: list[str] = []
    for pattern in args.files:
        matches = sorted(glob.glob(pattern, recursive=True)) if any(
            c in pattern for c in "*?[") else [pattern]
        if not matches:
            matches = [pattern]
        files.extend(matches)
    bad = 0
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
        print(f"{bad} of {len(files)} file(s) invalid", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"all {len(files)} file(s) valid")
    return 0
