"""``ppa-sim validate-published``: ppa_sim vs published designs (docs/validation.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DESCRIPTION = ("Reproduce the published figures ppa_sim is calibrated against (ISAAC, NeuRRAM, "
               "IBM HERMES, Intel C-2C, TSMC 7 nm, DNN+NeuroSim V1.4) and show the error of "
               "each against its tolerance.")

EPILOG = """examples:
  ppa-sim validate-published                      table of every anchor
  ppa-sim validate-published --only hermes        the HERMES anchors
  ppa-sim validate-published --only isaac.adc8.energy
  ppa-sim validate-published --markdown --write docs/validation.md

status: ok = within tolerance (macro TOPS/W, TOPS/mm² ±25 %, components ±15 %);
band = outside tolerance but within the documented band (reason in the notes);
FAIL = outside both (exit status 1). Anchors and sources: ppa_sim/validation.py;
architecture files: architectures/published/."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--only", nargs="+", metavar="ANCHOR",
                   help="anchor ids or id prefixes (e.g. 'isaac', 'neurram.tops_w')")
    p.add_argument("--markdown", action="store_true",
                   help="print docs/validation.md (Markdown) instead of a table")
    p.add_argument("--write", metavar="PATH", type=Path,
                   help="write the output to PATH instead of stdout")
    p.add_argument("--notes", action="store_true",
                   help="with the table: also print source, method and notes of each anchor")


def run(args: argparse.Namespace) -> int:
    from ppa_sim import validation
    from ppa_sim.errors import ConfigError, Problem

    known = [a.id for a in validation.anchors()]
    if args.only:
        bad = [o for o in args.only
               if not any(k == o or k.startswith(o) for k in known)]
        if bad:
            raise ConfigError([Problem(None, "--only", "no such anchor", value=", ".join(bad),
                                       allowed=", ".join(sorted({k.split(".")[0]
                                                                 for k in known})))])
    results = validation.evaluate(args.only)
    if args.markdown:
        text = validation.render_markdown(results)
    else:
        text = validation.render_table(results)
        if args.notes:
            extra = []
            for r in validation.rows(results):
                extra.append(f"\n{r['anchor']}\n  source: {r['source']}\n  ppa_sim: {r['how']}")
                if r["note"]:
                    extra.append(f"  note: {r['note']}")
            text += "\n" + "\n".join(extra)
        text += "\n"
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        n_fail = sum(r.status == "FAIL" for r in results)
        print(f"wrote {args.write} ({len(results)} anchors, {n_fail} failing)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if any(r.status == "FAIL" for r in results) else 0
