"""Sweep specifications: a base architecture, networks, axes, sampling, constraints, objectives.

A sweep YAML looks like::

    name: vgg8_adc_rows
    base: architectures/default.yaml        # path (relative to this file) or shipped name
    networks: [vgg8, resnet18]
    axes:
      subarray.rows: [64, 128, 256]         # explicit values
      subarray.adc.bits: {range: [3, 8]}    # integers 3..8 inclusive (step 1)
      technology.device.r_on_ohm: {logspace: [1e3, 1e5], num: 5}
      subarray.cols: {pow2: [64, 512]}      # 64, 128, 256, 512
    sampling: {method: random, seed: 0, budget: 50}   # or {method: grid}
    constraints: ["area_mm2 <= 100", "subarray.rows >= subarray.adc.columns_per_adc"]
    objectives: {minimize: [energy_uj, latency_us, area_mm2]}

Every axis key is a dotted override of the base architecture, applied and
validated by :func:`ppa_sim.spec.load.design_from_dict` (``technology.node`` /
``technology.device`` pick the node and device; ``technology.device.r_on_ohm``
and the like override single device fields).

Constraints whose left side names an axis (a design parameter) are applied
before evaluation, so excluded points are never evaluated; constraints on a
result metric (``area_mm2``...) are checked after evaluation and mark a point
infeasible (it stays in the store, it just never enters a Pareto front).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ppa_sim.errors import ConfigError, Problem

#: Result metrics a constraint or objective may name: the keys of
#: :meth:`ppa_sim.results.Estimate.totals` plus ``accuracy`` (when measured).
METRICS = ("area_mm2", "energy_uj", "latency_us", "cycle_us", "fps", "macs", "tops",
           "tops_per_w", "tops_per_mm2", "power_w", "utilization", "tiles", "accuracy")

#: Grids larger than this are refused (a typo such as ``{range: [1, 1e9]}``
#: should fail at once, not fill the disk).
MAX_AXIS_VALUES = 100_000

Scalar = bool | int | float | str | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ----------------------------------------------------------------------------- axes


class RangeAxis(_Model):
    """``{range: [lo, hi], step: s}``: lo, lo+s, ... up to and including hi."""

    range: tuple[float, float]
    step: Annotated[float, Field(gt=0)] = 1

    def values(self) -> list[Scalar]:
        lo, hi = self.range
        if hi < lo:
            raise ValueError(f"range end {hi:g} is below its start {lo:g}")
        n = math.floor((hi - lo) / self.step + 1e-9) + 1
        if n > MAX_AXIS_VALUES:
            raise ValueError(f"range gives {n} values (more than {MAX_AXIS_VALUES})")
        ints = all(float(x).is_integer() for x in (lo, hi, self.step))
        vals = [lo + i * self.step for i in range(n)]
        return [int(round(v)) for v in vals] if ints else [_tidy(v) for v in vals]


class Pow2Axis(_Model):
    """``{pow2: [lo, hi]}``: the powers of two from lo to hi inclusive (both powers of two)."""

    pow2: tuple[int, int]

    def values(self) -> list[Scalar]:
        lo, hi = self.pow2
        for v in (lo, hi):
            if v < 1 or v & (v - 1):
                raise ValueError(f"pow2 bounds must be powers of two, got {v}")
        if hi < lo:
            raise ValueError(f"pow2 end {hi} is below its start {lo}")
        return [1 << e for e in range(lo.bit_length() - 1, hi.bit_length())]


class LinspaceAxis(_Model):
    """``{linspace: [lo, hi], num: n}``: n evenly spaced values, both ends included.
    Without ``num`` (search spaces only) a uniform float between lo and hi."""

    linspace: tuple[float, float]
    num: Annotated[int, Field(ge=1, le=MAX_AXIS_VALUES)] | None = None

    def values(self) -> list[Scalar]:
        if self.num is None:
            raise ValueError("linspace needs num: N in a sweep (only a search samples a "
                             "continuous range)")
        return [_tidy(float(v)) for v in np.linspace(*self.linspace, self.num)]


class LogspaceAxis(_Model):
    """``{logspace: [lo, hi], num: n}``: n log-evenly spaced values, both ends included.
    Without ``num`` (search spaces only) a log-uniform float between lo and hi."""

    logspace: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]]
    num: Annotated[int, Field(ge=1, le=MAX_AXIS_VALUES)] | None = None

    def values(self) -> list[Scalar]:
        if self.num is None:
            raise ValueError("logspace needs num: N in a sweep (only a search samples a "
                             "continuous range)")
        lo, hi = self.logspace
        return [_tidy(float(v)) for v in np.geomspace(lo, hi, self.num)]


class ValuesAxis(_Model):
    """``{values: [...]}``: the same as a plain list."""

    values_: list[Scalar] = Field(alias="values", min_length=1)

    def values(self) -> list[Scalar]:
        return list(self.values_)


AxisForm = RangeAxis | Pow2Axis | LinspaceAxis | LogspaceAxis | ValuesAxis

_AXIS_FORMS: dict[str, type[_Model]] = {"range": RangeAxis, "pow2": Pow2Axis,
                                        "linspace": LinspaceAxis, "logspace": LogspaceAxis,
                                        "values": ValuesAxis}


def parse_axis(key: str, val: Any) -> list[Scalar] | AxisForm:
    """One axis (or search-space entry) from YAML: a list, a scalar, or a
    ``range``/``pow2``/``linspace``/``logspace``/``values`` mapping. ValueError if bad."""
    if isinstance(val, _Model):
        return val  # type: ignore[return-value]
    if isinstance(val, dict):
        form = next((k for k in val if k in _AXIS_FORMS), None)
        if form is None:
            raise ValueError(f"axis {key!r}: a mapping needs one of the keys "
                             f"{', '.join(_AXIS_FORMS)}; got {sorted(val)}")
        try:
            return _AXIS_FORMS[form].model_validate(val)  # type: ignore[return-value]
        except ValidationError as e:
            msgs = "; ".join(f"{'.'.join(map(str, er['loc'])) or form}: {er['msg']}"
                             for er in e.errors())
            raise ValueError(f"axis {key!r}: {msgs}") from None
    if isinstance(val, (list, tuple)):
        return list(val)
    return [val]


def _tidy(v: float) -> float:
    """Round away binary noise (0.30000000000000004 -> 0.3) so point ids are stable."""
    return float(f"{v:.12g}")


# ----------------------------------------------------------------------------- constraints

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
    "<": operator.lt, ">": operator.gt,
}
_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_CONSTRAINT = re.compile(
    rf"^\s*(?P<lhs>{_NAME})\s*(?P<op><=|>=|==|!=|<|>)\s*(?P<rhs>{_NUMBER}|{_NAME})\s*$")


@dataclass(frozen=True)
class Constraint:
    """``lhs OP rhs``: a metric or design parameter compared with a number or a parameter."""

    lhs: str
    op: str
    rhs: float | str
    """A number, or the name of another parameter/metric."""
    text: str

    @classmethod
    def parse(cls, text: str) -> Constraint:
        """Parse ``"area_mm2 <= 100"``; raises ValueError with what is allowed."""
        m = _CONSTRAINT.match(text)
        if not m:
            raise ValueError(f"cannot read constraint {text!r}: expected 'NAME OP VALUE' with "
                             f"OP one of {', '.join(_OPS)} (e.g. 'area_mm2 <= 100')")
        rhs_text = m["rhs"]
        rhs: float | str
        try:
            rhs = float(rhs_text)
        except ValueError:
            rhs = rhs_text
        return cls(lhs=m["lhs"], op=m["op"], rhs=rhs, text=text.strip())

    def names(self) -> tuple[str, ...]:
        return (self.lhs,) + ((self.rhs,) if isinstance(self.rhs, str) else ())

    def holds(self, values: Mapping[str, Any]) -> bool:
        """True when the constraint is met by ``values`` (name -> value)."""
        left = values[self.lhs]
        right = values[self.rhs] if isinstance(self.rhs, str) else self.rhs
        if left is None or right is None:
            return False
        try:
            return bool(_OPS[self.op](left, right))
        except TypeError:
            return bool(_OPS[self.op](str(left), str(right)))


# ----------------------------------------------------------------------------- spec


class Sampling(_Model):
    """How points are drawn from the grid of axis values."""

    method: Literal["grid", "random"] = "grid"
    """``grid``: every combination; ``random``: ``budget`` distinct combinations."""
    seed: int = 0
    """Seed of the random sampler (numpy Generator); the same seed gives the same points."""
    budget: Annotated[int, Field(ge=1)] | None = None
    """Points to draw (random), or the most points a grid may have (grid)."""


class Objectives(_Model):
    """Metrics to minimize / maximize (Pareto fronts are taken over them)."""

    minimize: list[str] = Field(default_factory=list)
    maximize: list[str] = Field(default_factory=list)

    @field_validator("minimize", "maximize", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("minimize", "maximize")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for name in v:
            if name not in METRICS:
                raise ValueError(f"unknown metric {name!r}; allowed: {', '.join(METRICS)}")
        return v

    def as_dict(self) -> dict[str, str]:
        """``{metric: 'min'|'max'}`` in declaration order (what pareto_front takes)."""
        return {**{m: "min" for m in self.minimize}, **{m: "max" for m in self.maximize}}


class AccuracySpec(_Model):
    """Accuracy as a metric: simulate a trained model on each design point."""

    model: str
    """Python file (relative to the sweep file) with ``model()`` returning a trained nn.Module."""
    dataset: str = "digits"
    """Dataset name understood by :func:`ppa_sim.api.simulate_accuracy`."""
    runs: Annotated[int, Field(ge=1)] = 3
    seed: int = 0
    samples: Annotated[int, Field(ge=1)] | None = None


class SweepSpec(_Model):
    """A design-space sweep (see the module docstring for the YAML form)."""

    name: str = "sweep"
    description: str = ""
    base: str
    """Base architecture: a path (relative to the sweep file) or a shipped name."""
    networks: list[str] = Field(min_length=1)
    """Networks to evaluate every design on: zoo names or paths (.py/.onnx/.csv)."""
    axes: dict[str, list[Scalar] | AxisForm] = Field(default_factory=dict)
    """Dotted key path -> values (list, or range/pow2/linspace/logspace/values form)."""
    sampling: Sampling = Field(default_factory=Sampling)
    constraints: list[str] = Field(default_factory=list)
    objectives: Objectives = Field(
        default_factory=lambda: Objectives(minimize=["energy_uj", "latency_us", "area_mm2"]))
    accuracy: AccuracySpec | None = None

    @field_validator("networks", mode="before")
    @classmethod
    def _network_one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("axes", mode="before")
    @classmethod
    def _axis_forms(cls, v: Any) -> Any:
        """Pick the axis form by its key so errors name the right one."""
        if not isinstance(v, dict):
            return v
        return {key: parse_axis(key, val) for key, val in v.items()}

    @field_validator("axes")
    @classmethod
    def _axis_checks(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, val in v.items():
            if not re.fullmatch(_NAME, key):
                raise ValueError(f"axis {key!r} is not a dotted key path (e.g. subarray.rows)")
            vals = val if isinstance(val, list) else val.values()
            if not vals:
                raise ValueError(f"axis {key!r} has no values")
            if len({_canon(x) for x in vals}) != len(vals):
                raise ValueError(f"axis {key!r} repeats a value: {vals}")
        return v

    @field_validator("constraints")
    @classmethod
    def _parse_constraints(cls, v: list[str]) -> list[str]:
        for text in v:
            c = Constraint.parse(text)
            for name in c.names():
                if name not in METRICS and "." not in name:
                    raise ValueError(f"constraint {text!r}: {name!r} is neither a metric "
                                     f"({', '.join(METRICS)}) nor a dotted design key")
        return v

    # ------------------------------------------------------------------ derived
    def axis_values(self) -> dict[str, list[Scalar]]:
        return {k: (list(v) if isinstance(v, list) else v.values()) for k, v in self.axes.items()}

    def parsed_constraints(self) -> list[Constraint]:
        return [Constraint.parse(t) for t in self.constraints]

    def param_constraints(self) -> list[Constraint]:
        """Constraints over design parameters only (applied before evaluation)."""
        return [c for c in self.parsed_constraints()
                if all(n not in METRICS for n in c.names())]

    def metric_constraints(self) -> list[Constraint]:
        """Constraints naming a result metric (checked after evaluation)."""
        return [c for c in self.parsed_constraints()
                if any(n in METRICS for n in c.names())]

    def grid_size(self) -> int:
        return math.prod(len(v) for v in self.axis_values().values()) if self.axes else 1


@dataclass(frozen=True)
class Point:
    """One design point: a network and the axis values (dotted key -> value)."""

    network: str
    params: Mapping[str, Any]

    @property
    def point_id(self) -> str:
        return point_id(self.network, self.params)


def _canon(v: Any) -> Any:
    """Canonical JSON-able form: 128 and 128.0 are the same value."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def canonical_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _canon(params[k]) for k in sorted(params)}


def point_id(network: str, params: Mapping[str, Any]) -> str:
    """Stable identity of a point: hash of the network and its canonical parameters."""
    blob = json.dumps({"network": network, "params": canonical_params(params)},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------- expansion


def _combos(axis_values: Mapping[str, Sequence[Any]], sampling: Sampling,
            keep: Callable[[dict[str, Any]], bool]) -> Iterator[dict[str, Any]]:
    keys = list(axis_values)
    lists = [list(axis_values[k]) for k in keys]
    total = math.prod(len(v) for v in lists)
    if sampling.method == "grid":
        for combo in itertools.product(*lists):
            params = dict(zip(keys, combo, strict=True))
            if keep(params):
                yield params
        return
    # random: distinct grid indices in a seeded random order, kept until the budget is met
    rng = np.random.default_rng(sampling.seed)
    budget = sampling.budget or total
    radices = [len(v) for v in lists]

    def decode(index: int) -> dict[str, Any]:
        params = {}
        for k, vals, r in zip(reversed(keys), reversed(lists), reversed(radices), strict=True):
            index, i = divmod(index, r)
            params[k] = vals[i]
        return {k: params[k] for k in keys}

    taken = 0
    if total <= 1_000_000:
        order: Iterator[int] = iter(rng.permutation(total).tolist())
    else:  # too large to permute: rejection-sample distinct indices
        def draws() -> Iterator[int]:
            seen: set[int] = set()
            while len(seen) < total:
                i = int(rng.integers(0, total))
                if i not in seen:
                    seen.add(i)
                    yield i
        order = draws()
    for index in order:
        if taken >= budget:
            return
        params = decode(index)
        if keep(params):
            taken += 1
            yield params


def expand(spec: SweepSpec) -> list[Point]:
    """The design points of a sweep, in evaluation order (network-major).

    Grid: every combination of axis values that meets the parameter constraints.
    Random: ``budget`` distinct combinations meeting them, drawn with ``seed``
    (the same seed always gives the same points, whatever the budget's prefix).
    """
    axis_values = spec.axis_values()
    pcs = spec.param_constraints()
    for c in pcs:
        for n in c.names():
            if n not in axis_values:
                raise ConfigError([Problem(None, "constraints",
                                           f"constraint {c.text!r} names {n!r}, which is not "
                                           "an axis", allowed=", ".join(axis_values) or
                                           "no axes defined")])

    def keep(params: dict[str, Any]) -> bool:
        return all(c.holds(params) for c in pcs)

    if spec.sampling.method == "grid" and spec.sampling.budget is not None:
        n = spec.grid_size()
        if n > spec.sampling.budget:
            raise ConfigError([Problem(None, "sampling.budget",
                                       f"the grid has {n} points per network, more than the "
                                       f"budget of {spec.sampling.budget}",
                                       allowed="sampling.method: random, a larger budget, "
                                               "or fewer axis values")])
    combos = list(_combos(axis_values, spec.sampling, keep))
    return [Point(net, params) for net in spec.networks for params in combos]


# ----------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadedSweep:
    """A validated sweep spec with where it came from (paths resolve against ``base_dir``)."""

    spec: SweepSpec
    base_dir: Path
    base_raw: dict[str, Any]
    """The base architecture's raw data (``extends`` merged), the input of every point."""
    base_path: Path
    file: str | None = None

    @property
    def spec_hash(self) -> str:
        """Hash of the spec and the base architecture's contents (what results depend on;
        the cosmetic ``name`` and ``description`` are left out)."""
        spec = self.spec.model_dump(mode="json", by_alias=True, exclude={"name", "description"})
        blob = json.dumps({"spec": spec, "base": self.base_raw}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def points(self) -> list[Point]:
        return expand(self.spec)

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain data (what :meth:`ResultStore.spec` gives back)."""
        return self.spec.model_dump(mode="json", by_alias=True, exclude_none=True)

    def base_info(self) -> dict[str, Any]:
        return {"path": str(self.base_path), "raw": self.base_raw, "file": self.file}


def sweep_from_dict(data: Mapping[str, Any], *, fname: str | None = None, lines: Any = None,
                    base_dir: str | Path | None = None, check_points: bool = True) -> LoadedSweep:
    """Validate sweep data (a parsed YAML mapping) into a :class:`LoadedSweep`."""
    from ppa_sim.spec.load import (
        design_from_dict,
        load_architecture_raw,
        problems_from_validation,
        resolve_architecture_path,
    )

    try:
        spec = SweepSpec.model_validate(dict(data))
    except ValidationError as e:
        raise ConfigError(problems_from_validation(e, SweepSpec, fname, lines)) from None
    bdir = Path(base_dir) if base_dir is not None else Path.cwd()

    def at(key: str) -> int | None:
        return lines.find(key) if lines is not None else None

    cand = bdir / spec.base
    try:
        base_path = cand if cand.is_file() else resolve_architecture_path(spec.base)
        base_raw = load_architecture_raw(base_path)
        # the base itself must be a valid design, else every point would fail the same way
        design_from_dict(base_raw, fname=str(base_path), base_dir=base_path.parent)
    except ConfigError as e:
        raise ConfigError([Problem(fname, "base", p.format(), line=at("base"))
                           for p in e.problems]) from None
    if spec.objectives.as_dict() == {}:
        raise ConfigError([Problem(fname, "objectives", "name at least one metric",
                                   allowed="minimize: [...] and/or maximize: [...]",
                                   line=at("objectives"))])
    if "accuracy" in spec.objectives.as_dict() and spec.accuracy is None:
        raise ConfigError([Problem(fname, "objectives",
                                   "accuracy is an objective but no 'accuracy:' section says "
                                   "which model and dataset to simulate",
                                   allowed="accuracy: {model: trained_model.py, dataset: digits}",
                                   line=at("objectives"))])
    loaded = LoadedSweep(spec=spec, base_dir=bdir, base_raw=base_raw, base_path=base_path,
                         file=fname)
    if check_points:
        try:
            pts = loaded.points()
        except ConfigError as e:
            raise ConfigError([Problem(fname, p.key_path, p.message, p.value, p.allowed,
                                       at(p.key_path)) for p in e.problems]) from None
        if not pts:
            raise ConfigError([Problem(fname, "constraints",
                                       "no design point meets the parameter constraints",
                                       line=at("constraints"))])
    return loaded


def check_networks(loaded: LoadedSweep, lines: Any = None) -> None:
    """Every network must be a zoo name or an existing file (relative to the spec)."""
    from ppa_sim.network import zoo

    problems = []
    for i, ref in enumerate(loaded.spec.networks):
        if zoo.canonical_name(ref) is not None or (loaded.base_dir / ref).is_file():
            continue
        problems.append(Problem(loaded.file, f"networks.{i}", f"unknown network {ref!r}",
                                allowed="a zoo name (" + ", ".join(zoo.names()) +
                                ") or a .py/.onnx/.csv file relative to the sweep file",
                                line=lines.find(f"networks.{i}") if lines is not None else None))
    if problems:
        raise ConfigError(problems)


def load_sweep_spec(path: str | Path | Mapping[str, Any] | LoadedSweep, *,
                    networks_exist: bool = True) -> LoadedSweep:
    """Read and validate a sweep YAML (errors name file:line and key path).

    Also accepts an already parsed mapping (paths then resolve against the
    current directory; networks are checked when loaded) or a
    :class:`LoadedSweep` (returned as is). ``networks_exist``: check that each
    network of a YAML file is a zoo name or an existing file.
    """
    if isinstance(path, LoadedSweep):
        return path
    if isinstance(path, Mapping):
        return sweep_from_dict(path)
    from ppa_sim.errors import ConfigError, Problem
    from ppa_sim.spec.load import file_kind, read_yaml

    p = Path(path)
    data, lines = read_yaml(p)
    kind = file_kind(data)
    if kind in ("architecture", "node", "device"):
        # one clear line instead of one 'unknown key' per key of another kind of file
        raise ConfigError([Problem(str(p), "", f"this is {'an' if kind[0] in 'a' else 'a'} "
                                   f"{kind} file, not a sweep spec",
                                   allowed="a sweep spec with 'base:', 'networks:' and 'axes:' "
                                   "(see examples/sweep_vgg8.yaml)", line=1)])
    loaded = sweep_from_dict(data, fname=str(p), lines=lines, base_dir=p.resolve().parent)
    if networks_exist:
        check_networks(loaded, lines)
    return loaded
