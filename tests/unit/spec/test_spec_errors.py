"""Errors a person can act on: which file, which line, which key, what value, what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import Architecture, CellSpec
from ppa_sim.spec.load import (
    design_from_dict,
    load_architecture_raw,
    load_design,
    parse_yaml_text,
    validate_file,
)

ROOT = Path(__file__).resolve().parents[3]
DEFAULT = ROOT / "architectures" / "default.yaml"
RRAM = ROOT / "technology" / "devices" / "rram.yaml"


def _problems(exc: pytest.ExceptionInfo[ConfigError]) -> list:
    return exc.value.problems


def _one(exc: pytest.ExceptionInfo[ConfigError], key: str):
    hits = [p for p in _problems(exc) if p.key_path == key]
    assert hits, f"no problem at {key!r}: {exc.value}"
    return hits[0]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _line_of(text: str, start: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(start))


ARCH = """\
name: t
technology: {node: 22nm, device: rram}
subarray:
  rows: 128
  cols: 128
"""


def test_negative_rows_names_key_value_line_and_bound(tmp_path: Path) -> None:
    f = _write(tmp_path, "a.yaml", ARCH.replace("rows: 128", "rows: -128"))
    with pytest.raises(ConfigError) as e:
        load_design(f)
    p = _one(e, "subarray.rows")
    assert p.value == -128 and p.line == 4 and p.file == str(f)
    assert ">= 2" in (p.allowed or "")
    text = str(e.value)
    assert f"{f}:4: subarray.rows" in text and "-128" in text


@pytest.mark.parametrize(("typo", "key", "suggestion"), [
    ("subarray:\n  rowz: 64\n", "subarray.rowz", "rows"),
    ("subaray:\n  rows: 64\n", "subaray", "subarray"),
    ("subarray:\n  adc: {bitz: 6}\n", "subarray.adc.bitz", "bits"),
    ("weights: {mapingg: offset}\n", "weights.mapingg", "mapping"),
])
def test_unknown_key_suggests_the_closest_valid_key(tmp_path: Path, typo: str, key: str,
                                                    suggestion: str) -> None:
    f = _write(tmp_path, "a.yaml", "name: t\ntechnology: {node: 22nm, device: rram}\n" + typo)
    with pytest.raises(ConfigError) as e:
        load_design(f)
    p = _one(e, key)
    assert f"did you mean {suggestion!r}" in p.message
    assert suggestion in (p.allowed or "")
    assert p.line is not None


def test_r_off_not_above_r_on_in_a_device_file(tmp_path: Path) -> None:
    text = RRAM.read_text(encoding="utf-8").replace("r_off_ohm: 1.7e6", "r_off_ohm: 5.0e4")
    f = _write(tmp_path, "dev.yaml", text)
    with pytest.raises(ConfigError) as e:
        validate_file(f)
    p = _one(e, "r_off_ohm")  # the cross-field check points at the key it names
    assert "greater than r_on_ohm" in p.message and p.value == 5e4
    assert p.line == _line_of(text, "r_off_ohm:")


def test_r_off_not_above_r_on_through_an_override() -> None:
    with pytest.raises(ConfigError) as e:
        load_design("default", ["technology.device.r_off_ohm=1000"])
    p = _one(e, "technology.device.r_off_ohm")  # the key as typed on the command line
    assert "must be greater than r_on_ohm" in p.message and p.value == 1000
    assert p.file == "--set" and p.line is None  # the value is not in any file


def test_problems_in_the_file_name_the_resolved_file() -> None:
    raw = load_architecture_raw(DEFAULT)
    raw["subarray"]["rows"] = -1
    with pytest.raises(ConfigError) as e:
        design_from_dict(raw, fname=str(DEFAULT))
    assert _one(e, "subarray.rows").file == str(DEFAULT)
    with pytest.raises(ConfigError) as e:
        load_design("default", {"technology.device_overrides": {"levels": 1}})
    assert _one(e, "technology.device.levels").file == "--set"


def test_negative_resistance(tmp_path: Path) -> None:
    text = RRAM.read_text(encoding="utf-8").replace("r_on_ohm: 100.0e3", "r_on_ohm: -100.0e3")
    f = _write(tmp_path, "dev.yaml", text)
    with pytest.raises(ConfigError) as e:
        validate_file(f)
    p = _one(e, "r_on_ohm")
    assert p.value == -100e3 and "> 0" in (p.allowed or "")
    assert p.line == _line_of(text, "r_on_ohm:")


def test_yaml_syntax_error_reports_the_line(tmp_path: Path) -> None:
    f = _write(tmp_path, "a.yaml", "name: t\nsubarray:\n  rows: [1, 2\n  cols: 3\n")
    with pytest.raises(ConfigError) as e:
        validate_file(f)
    (p,) = _problems(e)
    assert p.message.startswith("YAML syntax error") and p.line in (3, 4, 5)
    assert f"{f}:{p.line}" in str(e.value)


@pytest.mark.parametrize(("ref", "key", "close"), [
    ("device: rram_tpyo", "technology.device", "rram"),
    ("device: pcmm", "technology.device", "pcm"),
])
def test_missing_referenced_device(tmp_path: Path, ref: str, key: str, close: str) -> None:
    f = _write(tmp_path, "a.yaml", f"name: t\ntechnology: {{node: 22nm, {ref}}}\n")
    with pytest.raises(ConfigError) as e:
        load_design(f)
    p = _one(e, key)
    assert "unknown device" in p.message and f"did you mean {close!r}" in p.message
    assert "rram" in (p.allowed or "") and p.line == 2


def test_missing_node_and_node_given_as_number(tmp_path: Path) -> None:
    f = _write(tmp_path, "a.yaml", "name: t\ntechnology: {node: 23nm, device: rram}\n")
    with pytest.raises(ConfigError) as e:
        load_design(f)
    assert "unknown node" in _one(e, "technology.node").message
    f2 = _write(tmp_path, "b.yaml", "name: t\ntechnology: {node: 7, device: rram}\n")
    assert load_design(f2).node.node_nm == 7
    f3 = _write(tmp_path, "c.yaml", "name: t\ntechnology: {node: true, device: rram}\n")
    with pytest.raises(ConfigError):
        load_design(f3)  # a boolean is not a node number


def test_other_files_and_paths(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        validate_file(tmp_path / "nope.yaml")
    f = _write(tmp_path, "e.yaml", "")
    with pytest.raises(ConfigError, match="empty"):
        validate_file(f)
    f = _write(tmp_path, "l.yaml", "- 1\n- 2\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        validate_file(f)
    f = _write(tmp_path, "u.yaml", "foo: 1\n")
    with pytest.raises(ConfigError, match="cannot tell what this file describes"):
        validate_file(f)
    with pytest.raises(ConfigError, match="not found"):
        load_design("no_such_architecture_name")


def test_duplicate_keys_are_an_error_not_a_silent_override(tmp_path: Path) -> None:
    f = _write(tmp_path, "a.yaml", ARCH + "  rows: 64\n")
    with pytest.raises(ConfigError) as e:
        load_design(f)
    p = _one(e, "subarray.rows")
    assert "duplicate key" in p.message and p.line == 6


def test_yaml_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    text = ("name: t\ntechnology: {node: 22nm, device: rram}\n"
            "_buf: &buf {kind: sram, capacity_kb: 8}\n")
    f = _write(tmp_path, "a.yaml", text + "tile: {buffer: {<<: *buf, width_bits: 64}}\n")
    with pytest.raises(ConfigError) as e:  # the anchor holder itself is an unknown key...
        load_design(f)
    assert _one(e, "_buf")
    text = ("name: t\ntechnology: {node: 22nm, device: rram}\n"
            "tile: {buffer: &buf {kind: sram, capacity_kb: 8, width_bits: 32}}\n"
            "pe: {buffer: {<<: *buf, capacity_kb: 2}}\n")
    d = load_design(_write(tmp_path, "b.yaml", text))  # ...but merges resolve, explicit wins
    assert d.arch.pe.buffer.capacity_kb == 2 and d.arch.pe.buffer.width_bits == 32


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(ConfigError, match="aliases"):
        parse_yaml_text("\n".join(lines) + "\n", "bomb.yaml")


# ----------------------------------------------------------------------------- overrides


def test_set_style_overrides_are_applied_and_validated() -> None:
    d = load_design(DEFAULT, ["subarray.adc.bits=6", "technology.device.r_on_ohm=6000"])
    assert d.arch.subarray.adc.bits == 6
    assert d.device.r_on_ohm == 6000.0 and d.device.r_off_ohm == 1.7e6
    base = load_design(DEFAULT)
    assert base.arch.subarray.adc.bits == 5 and base.device.r_on_ohm == 100e3
    d = load_design("default", {"subarray.rows": 256, "technology.node.vdd_v": 0.8,
                                "technology.node": "7nm"})
    assert d.arch.subarray.rows == 256 and d.node.node_nm == 7 and d.node.vdd_v == 0.8


@pytest.mark.parametrize(("override", "key", "text"), [
    ("subarray.adc.bits=99", "subarray.adc.bits", "<= 16"),
    ("subarray.adc.bits=six", "subarray.adc.bits", "whole number"),
    ("subarray.adc.bitz=6", "subarray.adc.bitz", "did you mean 'bits'"),
    ("subarray.rows.x=3", "subarray.rows", "not a section"),
    ("technology.device.r_on_ohm=-5", "technology.device.r_on_ohm", "> 0"),
    ("technology.device.r_onn_ohm=5", "technology.device.r_onn_ohm", "r_on_ohm"),
    ("technology.node.vdd_v=0.1", "technology.node.vdd_v", "below vdd_v"),
    ("technology.device=rrma", "technology.device", "did you mean 'rram'"),
    ("subarray.adc.bits", "subarray.adc.bits", "KEY=VALUE"),
])
def test_bad_override_is_reported_with_its_key_path(override: str, key: str, text: str) -> None:
    with pytest.raises(ConfigError) as e:
        load_design(DEFAULT, [override])
    p = _one(e, key)
    assert text in str(e.value), str(e.value)
    assert p.file == "--set" and str(e.value).startswith(f"--set: {key}: ")


def test_overrides_into_a_non_section_technology() -> None:
    raw = load_architecture_raw(DEFAULT)
    raw["technology"] = "22nm"
    with pytest.raises(ConfigError) as e:
        design_from_dict(raw, overrides={"technology.device.r_on_ohm": 1})
    assert _one(e, "technology")
    with pytest.raises(ConfigError):
        design_from_dict(load_architecture_raw(DEFAULT), overrides={3: 4})


# ----------------------------------------------------------------------------- cell levels


def test_cell_levels_default_and_derivation() -> None:
    assert CellSpec().n_levels == 2
    assert CellSpec(bits=3).n_levels == 8
    c = CellSpec(levels=6)
    assert c.bits == 3 and c.n_levels == 6
    assert CellSpec(levels=2).bits == 1
    with pytest.raises(ValueError, match="needs bits >= 3"):
        CellSpec(bits=2, levels=6)


def test_cell_levels_cross_checked_against_the_device() -> None:
    with pytest.raises(ConfigError) as e:
        load_design(DEFAULT, {"subarray.cell": {"type": "1t1r", "levels": 7},
                              "weights.bits": None})
    p = _one(e, "subarray.cell.levels")
    assert p.value == 7 and "holds 4" in p.message and p.allowed == "<= 4"
    with pytest.raises(ConfigError) as e:
        load_design(DEFAULT, ["subarray.cell.bits=3"])
    assert "holds 4" in _one(e, "subarray.cell.bits").message


def test_non_power_of_two_levels_need_analog_weights() -> None:
    raw = yaml.safe_load((ROOT / "architectures" / "survey_16x16_rram.yaml").read_text())
    raw["weights"]["bits"] = 8
    with pytest.raises(ConfigError, match="weights.bits: null"):
        design_from_dict(raw)
    raw["weights"]["bits"] = None
    assert design_from_dict(raw).arch.cell_levels == 6
    with pytest.raises(ValueError):
        Architecture.model_validate({**raw, "weights": {"bits": 4}})


# ----------------------------------------------------------------------------- extends


def test_extends_merges_over_a_shipped_architecture(tmp_path: Path) -> None:
    f = _write(tmp_path, "child.yaml", "extends: default\nname: child\n"
                                       "subarray: {adc: {bits: 7}}\n")
    d = load_design(f)
    assert d.arch.name == "child" and d.arch.subarray.adc.bits == 7
    assert d.arch.subarray.adc.columns_per_adc == 8  # kept from default.yaml
    assert d.arch.subarray.rows == 128 and d.device.name == "rram"


def test_extends_errors(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ConfigError, match="circular extends"):
        load_design(tmp_path / "a.yaml")
    f = _write(tmp_path, "c.yaml", "extends: no_such_parent.yaml\nname: c\n")
    with pytest.raises(ConfigError) as e:
        load_design(f)
    p = _one(e, "extends")
    assert p.message == "no such architecture" and "default" in (p.allowed or "")
    f = _write(tmp_path, "d.yaml", "extends: [default]\nname: d\n")
    with pytest.raises(ConfigError, match="must be a file name"):
        load_design(f)


# ----------------------------------------------------------------------------- review fixes


def test_misspelt_component_kind_is_a_located_load_error(tmp_path: Path) -> None:
    """An unknown adc/buffer/interconnect kind fails at load time (and in validate) with
    file, line, a suggestion and the registered kinds, not later inside the estimator."""
    text = DEFAULT.read_text(encoding="utf-8").replace("kind: sar, bits: 5",
                                                       "kind: sarr, bits: 5")
    p = _write(tmp_path, "arch.yaml", text)
    with pytest.raises(ConfigError) as exc:
        validate_file(p)
    prob = _one(exc, "subarray.adc.kind")
    assert prob.file == str(p) and prob.line == 23 and prob.value == "sarr"
    assert "did you mean 'sar'" in prob.message and "flash" in (prob.allowed or "")
    with pytest.raises(ConfigError) as exc:
        load_design(DEFAULT, ["pe.buffer.kind=dram"])
    prob = _one(exc, "pe.buffer.kind")
    assert prob.file == "--set" and "edram" in (prob.allowed or "")


def test_component_kind_problems_is_pure() -> None:
    from ppa_sim.spec.load import COMPONENT_KIND_FIELDS, component_kind_problems

    arch = load_design(DEFAULT).arch
    groups: list[str] = []

    def kinds_of(group: str) -> list[str]:
        groups.append(group)
        return ["only_this"]

    probs = component_kind_problems(arch, kinds_of, "f.yaml", None)
    assert {p.key_path for p in probs} == set(COMPONENT_KIND_FIELDS)
    assert set(groups) == set(COMPONENT_KIND_FIELDS.values())
    assert component_kind_problems(arch, lambda g: [], None, None) == []  # none registered


def test_union_value_gives_one_problem_without_pydantic_tags() -> None:
    with pytest.raises(ConfigError) as exc:
        load_design(DEFAULT, ["chip.tiles=0"])
    (prob,) = _problems(exc)
    assert prob.key_path == "chip.tiles" and prob.value == 0
    assert ">= 1" in (prob.allowed or "") and "'auto'" in (prob.allowed or "")
    assert "constrained" not in str(exc.value) and "literal[" not in str(exc.value)


@pytest.mark.parametrize(("rel", "kind"), [("technology/devices/rram.yaml", "device"),
                                           ("technology/cmos/22nm.yaml", "node"),
                                           ("examples/sweep_vgg8.yaml", "sweep")])
def test_other_kind_of_file_as_architecture_is_one_problem(rel: str, kind: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_design(ROOT / rel)
    (prob,) = _problems(exc)
    assert f"this is a {kind} file, not an architecture" in prob.message


def test_binary_and_folder_are_named_as_such(tmp_path: Path) -> None:
    b = tmp_path / "x.yaml"
    b.write_bytes(bytes(range(256)))
    with pytest.raises(ConfigError) as exc:
        validate_file(b)
    assert "not a UTF-8 text file" in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        validate_file(tmp_path)
    assert "is a folder" in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        load_design(tmp_path)
    assert "is a folder" in str(exc.value)
