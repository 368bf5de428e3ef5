"""``ppa-sim validate`` and ``ppa-sim list`` as a user runs them (a real subprocess)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "ppa_sim.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return proc


def test_every_shipped_file_validates_with_shell_globs() -> None:
    # the patterns are passed unexpanded, as from a shell with no match or with quoting;
    # validate expands '**' itself, so files others add later are covered too
    proc = _cli("validate", "technology/**/*.yaml", "architectures/**/*.yaml")
    assert proc.returncode == 0, proc.stderr
    shipped = list((ROOT / "technology").rglob("*.yaml")) + list(
        (ROOT / "architectures").rglob("*.yaml"))
    assert f"all {len(shipped)} file(s) valid" in proc.stdout
    for p in shipped:
        assert f"ok     {p.relative_to(ROOT)}" in proc.stdout


ARCH = "name: t\ntechnology: {node: 22nm, device: rram}\nsubarray:\n  rows: 128\n  cols: 128\n"
DEVICE = (ROOT / "technology" / "devices" / "rram.yaml").read_text(encoding="utf-8")


CASES = {  # file name -> (content, what stderr must say about it)
    "rows.yaml": (ARCH.replace("rows: 128", "rows: -128"),
                  ["rows.yaml:4: subarray.rows", "got -128", "allowed: a number >= 2"]),
    "typo.yaml": (ARCH.replace("rows: 128", "rowz: 128"),
                  ["typo.yaml:4: subarray.rowz: unknown key (did you mean 'rows'?)"]),
    "ronoff.yaml": (DEVICE.replace("r_off_ohm: 1.7e6", "r_off_ohm: 1.0e3"),
                    ["r_off_ohm (1000) must be greater than r_on_ohm (100000)"]),
    "syntax.yaml": ("name: t\nsubarray:\n  rows: [128\n  cols: 3\n",
                    ["syntax.yaml:", "YAML syntax error"]),
    "nodev.yaml": (ARCH.replace("device: rram", "device: rrma"),
                   ["nodev.yaml:2: technology.device: unknown device 'rrma' (did you mean 'rram'?)"]),
    "negr.yaml": (DEVICE.replace("r_on_ohm: 100.0e3", "r_on_ohm: -100.0e3"),
                  [": r_on_ohm: Input should be greater than 0", "got -100000.0"]),
}


@pytest.fixture(scope="module")
def invalid_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    d = tmp_path_factory.mktemp("invalid")
    for name, (text, _) in CASES.items():
        (d / name).write_text(text, encoding="utf-8")
    return _cli("validate", *(str(d / n) for n in CASES))


@pytest.mark.parametrize("name", list(CASES))
def test_invalid_file_exits_1_and_names_the_problem(
        invalid_run: subprocess.CompletedProcess[str], name: str) -> None:
    assert invalid_run.returncode == 1
    lines = [ln for ln in invalid_run.stderr.splitlines() if name in ln]
    assert lines, invalid_run.stderr
    for e in CASES[name][1]:
        assert any(e in ln for ln in lines), (e, lines)
    assert f"{len(CASES)} of {len(CASES)} file(s) invalid" in invalid_run.stderr


def test_syntax_error_line_number(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("name: t\nkind: rram\nr_on_ohm: 100\nr_off_ohm: : 5\n", encoding="utf-8")
    proc = _cli("validate", str(f))
    assert proc.returncode == 1 and f"{f}:4: <root>: YAML syntax error" in proc.stderr


def test_mixed_good_and_bad_files_report_each(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(ARCH.replace("cols: 128", "cols: 0"), encoding="utf-8")
    proc = _cli("validate", "architectures/default.yaml", str(bad), str(tmp_path / "none.yaml"))
    assert proc.returncode == 1
    assert "ok     architectures/default.yaml" in proc.stdout
    assert "subarray.cols" in proc.stderr and "file not found" in proc.stderr
    assert "2 of 3 file(s) invalid" in proc.stderr


def _table_rows(stdout: str) -> list[str]:
    lines = stdout.strip().splitlines()
    assert set(lines[1].replace(" ", "")) == {"-"}, "expected a tabulate header rule"
    return lines[2:]


def test_list_nodes_devices_architectures() -> None:
    nodes = _table_rows(_cli("list", "nodes").stdout)
    assert len(nodes) >= 9
    names = [r.split()[0] for r in nodes]
    for n in ("130nm", "22nm", "7nm", "5nm", "1nm"):
        assert n in names
    assert names.index("130nm") < names.index("1nm")  # largest first
    devices = _table_rows(_cli("list", "devices").stdout)
    assert len(devices) >= 6
    assert {r.split()[0] for r in devices} >= {"rram", "rram_survey", "pcm", "fefet",
                                               "stt_mram", "sram"}
    archs = _table_rows(_cli("list", "architectures").stdout)
    assert {r.split()[0] for r in archs} >= {"default", "survey_16x16_rram", "pcm_14nm",
                                             "sram_digital_22nm"}
    for r in nodes + devices + archs:
        assert len(r.split()) >= 4  # a one-line description follows the figures


def test_user_data_folder_with_a_broken_node(tmp_path: Path) -> None:
    """PPA_SIM_DATA libraries: good files listed, a broken one reported (exit 1), and a
    design referencing the broken node gets that file's error, not 'unknown node'."""
    import os
    import shutil

    for sub in ("cmos", "devices"):
        shutil.copytree(ROOT / "technology" / sub, tmp_path / "technology" / sub)
    (tmp_path / "architectures").mkdir()
    (tmp_path / "technology" / "cmos" / "9nm.yaml").write_text(
        "name: 9nm\nnode_nm: 9\nvdd_v: [0.7\n", encoding="utf-8")
    arch = tmp_path / "architectures" / "a.yaml"
    arch.write_text(ARCH.replace("node: 22nm", "node: 9nm"), encoding="utf-8")
    env = {**os.environ, "PPA_SIM_DATA": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "ppa_sim.cli", "list", "nodes"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert re.search(r"9nm.yaml:[34]: <root>: YAML syntax error", proc.stderr), proc.stderr
    assert len(_table_rows(proc.stdout)) == len(list((ROOT / "technology" / "cmos").glob("*.yaml")))
    proc = subprocess.run([sys.executable, "-m", "ppa_sim.cli", "validate", str(arch)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "9nm.yaml" in proc.stderr and "unknown node" not in proc.stderr


def test_validate_a_folder_checks_every_yaml_below_it() -> None:
    proc = _cli("validate", "technology", "-q")
    assert proc.returncode == 0, proc.stderr
    proc = _cli("validate", "technology")
    n = len(list((ROOT / "technology").rglob("*.yaml")))
    assert f"all {n} file(s) valid" in proc.stdout
