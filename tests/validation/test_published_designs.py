"""The published architecture files, the macro harness and the CLI/doc plumbing."""

from __future__ import annotations

import math

import pytest

from ppa_sim import validation
from ppa_sim.api import load_design
from ppa_sim.cli import main

PUBLISHED = sorted(validation.PUBLISHED_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", PUBLISHED, ids=[p.stem for p in PUBLISHED])
def test_published_file_loads_cites_and_is_anchored(path):
    d = load_design(path)
    assert d.arch.name == path.stem
    assert d.arch.source, "every published design names its source"
    text = path.read_text()
    assert "doi" in text.lower() or "et al." in text, "citation header missing"
    assert any(a.design == path.stem for a in validation.anchors()), (
        f"{path.name} has no anchor in ppa_sim/validation.py")


def test_every_anchor_design_exists():
    for a in validation.anchors():
        p = validation.design_path(a.design)
        assert not isinstance(p, str) or p.startswith("neurosim_v14"), a.design


def test_macro_figures_add_up_and_are_physical():
    d = load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml",
                    validation.MACRO_OVERRIDES)
    m = validation.macro_figures(d)
    assert m.macs == 256 * 256
    assert math.isclose(sum(m.breakdown_pj.values()), m.energy_pj, rel_tol=1e-9)
    assert math.isclose(sum(m.area_breakdown_um2.values()), m.area_um2, rel_tol=1e-9)
    assert m.time_ns > 0 and m.energy_pj > 0
    # more ADC bits cost more energy per MVM (same design otherwise)
    d6 = load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml",
                     {**validation.MACRO_OVERRIDES, "subarray.adc.bits": 6})
    assert validation.macro_figures(d6).energy_pj < m.energy_pj


def test_weights_per_subarray_counts_reference_column():
    d = load_design(validation.PUBLISHED_DIR / "tsmc_sram_7nm.yaml")
    assert validation.weights_per_subarray(d) == 16  # 17 columns = 16 weights + 1 reference


def test_cli_table_and_only(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    rc = main(["validate-published", "--only", "isaac.adc8"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "isaac.adc8.energy" in out and "isaac.adc8.area" in out
    assert "neurram" not in out


def test_cli_unknown_anchor_is_a_user_error(capsys):
    assert main(["validate-published", "--only", "no_such_design"]) == 1
    assert "no such anchor" in capsys.readouterr().err


def test_cli_markdown_write(tmp_path, capsys):
    out = tmp_path / "v.md"
    rc = main(["validate-published", "--only", "tsmc7", "--markdown", "--write", str(out)])
    assert rc == 0
    text = out.read_text()
    assert text.startswith("# Validation")
    assert "| `tsmc7.tops_w` |" in text and "Sinangil" in text


def test_docs_validation_lists_every_anchor(root):
    doc = (root / "docs" / "validation.md").read_text()
    assert "ppa-sim validate-published --markdown" in doc
    missing = [a.id for a in validation.anchors() if f"`{a.id}`" not in doc]
    assert not missing, f"docs/validation.md is stale; regenerate it (missing {missing})"
