"""Property tests: whatever a user writes, the loader answers with a model or a ConfigError.

Mutated shipped configs (deleted keys, changed types, random values, extra keys), random
``--set`` overrides and random YAML text are fed to the loader. Every outcome must be a valid
model or a :class:`ConfigError` naming the problem; any other exception is a loader bug.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import Architecture, Design
from ppa_sim.spec.load import (
    design_from_dict,
    load_architecture_raw,
    load_design,
    parse_yaml_text,
    validate_file,
)
from ppa_sim.spec.technology import CmosNode, DeviceSpec

ROOT = Path(__file__).resolve().parents[3]
ARCH_NAMES = ["default", "survey_16x16_rram", "pcm_14nm", "sram_digital_22nm"]
RAW_ARCHS = {n: load_architecture_raw(ROOT / "architectures" / f"{n}.yaml") for n in ARCH_NAMES}
RAW_TECH = {
    p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
    for p in [ROOT / "technology" / "cmos" / "22nm.yaml", ROOT / "technology" / "cmos" / "5nm.yaml",
              ROOT / "technology" / "devices" / "rram.yaml",
              ROOT / "technology" / "devices" / "pcm.yaml"]
}

# Deterministic and quick by default; PPA_SIM_FUZZ_EXAMPLES=5000 runs a deeper, random hunt.
_DEEP = int(os.environ.get("PPA_SIM_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_DEEP or 150, deadline=None, derandomize=not _DEEP,
                    suppress_health_check=[HealthCheck.too_slow])


def _field_names(model: Any, seen: set | None = None) -> set[str]:
    """Every field name in a model tree: extra keys drawn from these look plausible."""
    seen = set() if seen is None else seen
    out: set[str] = set()
    for name, f in model.model_fields.items():
        out.add(f.alias or name)
        for sub in getattr(f.annotation, "__args__", ()) + (f.annotation,):
            if isinstance(sub, type) and hasattr(sub, "model_fields") and sub not in seen:
                seen.add(sub)
                out |= _field_names(sub, seen)
    return out


FIELD_NAMES = sorted(_field_names(Architecture) | _field_names(CmosNode)
                     | _field_names(DeviceSpec) - {"axes", "base"})

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["22nm", "rram", "auto", "sar", "1t1r", "differential", "x.yaml", "", "0"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=6,
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=10))


def _paths(data: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*prefix, i))


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def _similar_number(draw: st.DrawFn, old: Any) -> Any:
    """A random value of the same type: reaches the range checks and cross-field checks."""
    if isinstance(old, bool):
        return draw(st.booleans())
    if isinstance(old, int):
        return draw(st.integers(min_value=-5, max_value=5000))
    return draw(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
                | st.sampled_from([0.0, -0.0, 1e-30, old * 0.5, old * 2]))


@st.composite
def mutated(draw: st.DrawFn, base: dict) -> dict:
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(list(_paths(data))))
        node = _get(data, path)
        op = draw(st.sampled_from(["delete", "replace", "similar", "add_key"]))
        if op == "add_key" and isinstance(node, dict):
            node[draw(keys)] = draw(values)
        elif not path:
            continue
        else:
            parent = _get(data, path[:-1])
            if op == "delete":
                del parent[path[-1]]
            elif op == "similar" and isinstance(node, (int, float)):
                parent[path[-1]] = _similar_number(draw, node)
            else:
                parent[path[-1]] = draw(values)
    return data


def _design_or_config_error(fn: Any) -> None:
    try:
        out = fn()
    except ConfigError as e:
        assert e.problems, "a ConfigError must carry at least one problem"
        for p in e.problems:
            assert isinstance(p.format(), str)
        return
    assert isinstance(out, Design)


@SETTINGS
@given(st.sampled_from(ARCH_NAMES).flatmap(lambda n: mutated(RAW_ARCHS[n])))
def test_mutated_architectures(raw: dict) -> None:
    _design_or_config_error(lambda: design_from_dict(raw, fname="fuzz.yaml"))

    def through_text() -> Design:  # the same data as a file: exercises the line lookup
        data, lines = parse_yaml_text(yaml.safe_dump(raw, allow_unicode=True), "fuzz.yaml")
        return design_from_dict(data, fname="fuzz.yaml", lines=lines)

    _design_or_config_error(through_text)


@SETTINGS
@given(st.sampled_from(sorted(RAW_TECH)).flatmap(lambda n: mutated(RAW_TECH[n])))
def test_mutated_node_and_device_files(data: dict) -> None:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "fuzz.yaml"
        f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            kind = validate_file(f)
        except ConfigError as e:
            assert e.problems
            return
        assert kind in ("node", "device", "architecture")


override_keys = st.one_of(
    st.sampled_from(["subarray.adc.bits", "subarray.rows", "subarray.cell.bits",
                     "subarray.cell.levels", "subarray.parallel_rows", "weights.bits",
                     "technology.device.r_on_ohm", "technology.device.levels",
                     "technology.node.vdd_v", "technology.node", "technology.device",
                     "mapping.duplication_per_layer.conv1", "chip.tiles", "technology",
                     "subarray", "subarray.adc.kind"]),
    st.lists(st.sampled_from(FIELD_NAMES + ["", "technology", "node", "device"]),
             min_size=1, max_size=4).map(".".join),
)
override_values = st.one_of(
    st.integers(min_value=-3, max_value=300).map(str),
    st.sampled_from(["1e3", "-1", "0", "null", "true", "[1, 2]", "{a: 1}", "7nm", "x.yaml",
                     "nan", ".inf", "'6'", "{", "rram", "sram"]),
    st.text(max_size=8),
)


@SETTINGS
@given(st.lists(st.tuples(override_keys, override_values), max_size=4),
       st.sampled_from(ARCH_NAMES))
def test_random_set_overrides(pairs: list[tuple[str, str]], name: str) -> None:
    items = [f"{k}={v}" for k, v in pairs]
    _design_or_config_error(lambda: load_design(name, items))


yaml_tokens = st.sampled_from([
    "name: t\n", "technology: {node: 22nm, device: rram}\n", "subarray:\n", "  rows: ",
    "  adc: {bits: ", "}", "]", "[", "- ", ": ", "&a ", "*a ", "<<: ", "!!str ", "!!python/name:x ",
    "1e3", "-128", ".nan", "'", '"', "\t", "\n", "  ", "#c\n", "? ", "kind: rram\n", "node_nm: 7\n",
    "r_on_ohm: 1\n", "r_off_ohm: 0\n", "---\n", "...\n", "%YAML 1.1\n", "\x00", "\ufeff", "é",
])


@SETTINGS
@given(st.one_of(st.text(max_size=80), st.lists(yaml_tokens, max_size=25).map("".join)))
def test_random_yaml_text(text: str) -> None:
    try:
        data, lines = parse_yaml_text(text, "fuzz.yaml")
    except ConfigError as e:
        assert e.problems and all(p.file == "fuzz.yaml" for p in e.problems)
        return
    assert isinstance(data, dict)
    for model in (CmosNode, DeviceSpec):
        try:
            model.model_validate(data)
        except ValueError:
            pass  # pydantic's ValidationError; the loader turns it into a ConfigError
    if "axes" not in data and "base" not in data:
        _design_or_config_error(lambda: design_from_dict(data, fname="fuzz.yaml", lines=lines))
