"""The only YAML reader: files -> validated specs, with errors a person can act on.

* ``yaml.safe_load`` semantics (the composer of the safe loader), keeping line
  numbers so that every problem names ``file:line: key.path``.
* ``extends: other.yaml`` in an architecture merges it over another one.
* Dotted overrides (``subarray.adc.bits=6``, ``technology.device.r_on_ohm=6e3``)
  are applied to the raw data before validation, so they are validated like
  the file.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ppa_sim.errors import ConfigError, Problem
from ppa_sim.spec.architecture import Architecture, Design
from ppa_sim.spec.technology import CmosNode, DeviceSpec, Technology

# ----------------------------------------------------------------------------- paths


def data_root() -> Path:
    """Folder holding ``technology/`` and ``architectures/``.

    ``PPA_SIM_DATA`` wins; otherwise the repository the package lives in.
    """
    env = os.environ.get("PPA_SIM_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


def technology_dir() -> Path:
    return data_root() / "technology"


def architectures_dir() -> Path:
    return data_root() / "architectures"


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.yaml") if p.is_file())


# ----------------------------------------------------------------------------- YAML with lines


class _Lines:
    """Key path -> 1-based line number for one YAML document."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.nodes = 0
        """YAML nodes constructed so far (guards against alias expansion bombs)."""

    def find(self, key_path: str) -> int | None:
        parts = key_path.split(".") if key_path else []
        while parts:
            line = self.lines.get(".".join(parts))
            if line is not None:
                return line
            parts.pop()
        return self.lines.get("")


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that also reads ``1e3`` / ``1.7e6`` as numbers (YAML 1.2 floats).

    PyYAML follows YAML 1.1, where a float needs a dot and a signed exponent, so
    ``r_on_ohm: 6e3`` would arrive as the string "6e3". The resolver lives on this
    subclass only; the global ``yaml.SafeLoader`` is left untouched.
    """


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)
                    |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)

_MAX_NODES = 200_000  # a config file has hundreds of nodes; more means an alias bomb
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct(node: yaml.Node, path: str, lines: _Lines, loader: _Loader) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    lines.nodes += 1
    if lines.nodes > _MAX_NODES:
        raise ConfigError([Problem(None, path, f"document expands to more than {_MAX_NODES} "
                                   "values (recursive or exploding YAML aliases?)",
                                   line=node.start_mark.line + 1)])
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        merged: list[dict[str, Any]] = []
        for k_node, v_node in node.value:
            if k_node.tag == _MERGE_TAG:  # ``<<: *anchor`` merges (explicit keys win)
                subs = v_node.value if isinstance(v_node, yaml.SequenceNode) else [v_node]
                for sub_node in subs:
                    val = _construct(sub_node, path, lines, loader)
                    if not isinstance(val, dict):
                        raise ConfigError([Problem(None, path or "<<", "a '<<' merge needs a "
                                                   "mapping (or a list of mappings)",
                                                   line=k_node.start_mark.line + 1)])
                    merged.append(val)
                continue
            key = loader.construct_object(k_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                raise ConfigError([Problem(None, path, "mapping keys must be plain scalars",
                                           value=key, line=k_node.start_mark.line + 1)])
            key = str(key) if not isinstance(key, str) else key
            sub = f"{path}.{key}" if path else key
            if key in out:
                raise ConfigError([Problem(None, sub, "duplicate key (the first value would be "
                                           "silently ignored)",
                                           line=k_node.start_mark.line + 1)])
            lines.lines[sub] = k_node.start_mark.line + 1
            out[key] = _construct(v_node, sub, lines, loader)
        for m in merged:
            for k, v in m.items():
                out.setdefault(k, v)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, f"{path}.{i}" if path else str(i), lines, loader)
                for i, n in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def read_yaml(path: str | Path) -> tuple[dict[str, Any], _Lines]:
    """Read one YAML mapping with line numbers; errors become :class:`ConfigError`."""
    p = Path(path)
    fname = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(fname, "", "file not found")]) from None
    except IsADirectoryError:
        raise ConfigError([Problem(fname, "", "is a folder, not a file",
                                   allowed="a .yaml file")]) from None
    except UnicodeDecodeError as e:
        raise ConfigError([Problem(fname, "", "not a UTF-8 text file (a binary file?): "
                                   f"undecodable byte at offset {e.start}",
                                   allowed="a YAML text file")]) from None
    except OSError as e:
        raise ConfigError([Problem(fname, "", f"cannot read file: {e.strerror or e}")]) from None
    return parse_yaml_text(text, fname)


def parse_yaml_text(text: str, fname: str) -> tuple[dict[str, Any], _Lines]:
    lines = _Lines()
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader itself rejects non-printable characters
        node = loader.get_single_node()
        if node is None:
            raise ConfigError([Problem(fname, "", "file is empty", allowed="a YAML mapping")])
        data = _construct(node, "", lines, loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        msg = getattr(e, "problem", None) or str(e)
        raise ConfigError([Problem(fname, "", f"YAML syntax error: {msg}", line=line)]) from None
    except ConfigError as e:
        raise ConfigError([Problem(fname, p.key_path, p.message, p.value, p.allowed, p.line)
                           for p in e.problems]) from None
    except (ValueError, TypeError, RecursionError) as e:
        raise ConfigError([Problem(fname, "", f"cannot read YAML: {e}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise ConfigError([Problem(fname, "", "top level must be a mapping of keys to values",
                                   value=type(data).__name__, line=1)])
    return data, lines


# ----------------------------------------------------------------------------- errors


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The nested model class reached by following ``loc`` (for key suggestions)."""
    cur: Any = model
    for part in loc:
        if not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            return None
        field = cur.model_fields.get(str(part))
        if field is None:
            field = next((f for f in cur.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        ann = field.annotation
        cur = _first_model(ann)
    return cur if isinstance(cur, type) and issubclass(cur, BaseModel) else None


def _first_model(ann: Any) -> Any:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in getattr(ann, "__args__", ()) or ():
        m = _first_model(a)
        if m is not None:
            return m
    return None


def _allowed_text(err: Mapping[str, Any]) -> str | None:
    ctx = err.get("ctx") or {}
    t = err.get("type", "")
    bounds = []
    for key, sym in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        if key in ctx:
            bounds.append(f"{sym} {ctx[key]}")
    if bounds:
        return "a number " + " and ".join(bounds)
    if "expected" in ctx:
        return f"one of {ctx['expected']}"
    if t.startswith("int"):
        return "a whole number"
    if t.startswith("float"):
        return "a number"
    if t.startswith("bool"):
        return "true or false"
    if t.startswith("string"):
        return "a string"
    if t in ("model_type", "dict_type"):
        return "a mapping of keys to values"
    if t == "list_type":
        return "a list"
    return None


def problems_from_validation(
    e: ValidationError, model: type[BaseModel], fname: str | None, lines: _Lines | None,
    prefix: str = "",
) -> list[Problem]:
    out = []
    for err in _merge_union_errors(model, e.errors()):
        loc = tuple(err["loc"])
        key_path = ".".join(str(x) for x in loc)
        full_path = f"{prefix}.{key_path}" if prefix and key_path else (prefix or key_path)
        line = lines.find(full_path) if lines else None
        t = err["type"]
        if t == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            known = sorted(parent.model_fields) if parent else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            msg = "unknown key"
            if close:
                msg += f" (did you mean {close[0]!r}?)"
            out.append(Problem(fname, full_path, msg, allowed="keys " + ", ".join(known),
                               line=line))
            continue
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        value = err.get("input")
        if t == "value_error" and isinstance(value, dict):
            # a whole-model check ("r_off_ohm (5e4) must be greater than ..."): point at the
            # key it names so the report has that key's path, line and value
            named = _named_key(model, loc, msg, value)
            if named is not None:
                sub, value = named
                full_path = f"{full_path}.{sub}" if full_path else sub
                line = lines.find(full_path) if lines else None
                out.append(Problem(fname, full_path, msg, value=value, line=line))
                continue
        if t == "missing":
            value = None
            msg = "required key is missing"
        elif isinstance(value, dict) and t.endswith("_error") is False and loc:
            value = None if len(repr(value)) > 80 else value
        elif isinstance(value, dict):
            value = None
        out.append(Problem(fname, full_path, msg, value=value,
                           allowed=err.get("_allowed") or _allowed_text(err), line=line))
    return out


def _strip_union_tags(model: type[BaseModel], loc: tuple) -> tuple:
    """``loc`` without pydantic's union-member tags: ``'constrained-int'``,
    ``"literal['auto']"``, ``'function-after[...]'`` (not identifiers), ``'str'`` /
    ``'int'`` after a field, or a model class name after a field."""
    out: list[Any] = []
    for part in loc:
        if isinstance(part, str) and out:
            if not re.fullmatch(r"[A-Za-z_]\w*", part):
                continue
            parent = _model_at(model, tuple(out[:-1]))
            field_name = str(out[-1])
            is_field = parent is not None and field_name in parent.model_fields
            if is_field and (part in ("str", "int", "float", "bool", "none")
                             or part[:1].isupper()):
                continue
        out.append(part)
    return tuple(out)


def _merge_union_errors(model: type[BaseModel], errors: list[Any]) -> list[dict[str, Any]]:
    """One error per key for a value that matches none of a union's members.

    Pydantic reports each member separately (``chip.tiles.constrained-int: >= 1`` and
    ``chip.tiles.literal['auto']: should be 'auto'``); a person wants one line:
    ``chip.tiles: ... allowed: a number >= 1, or one of 'auto'``.
    """
    out: list[dict[str, Any]] = []
    merged: dict[tuple, dict[str, Any]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        stripped = _strip_union_tags(model, loc)
        if stripped == loc or err.get("type") == "extra_forbidden":
            out.append(dict(err))
            continue
        alt = _allowed_text(err) or err.get("msg", "")
        if stripped in merged:
            m = merged[stripped]
            if alt and alt not in m["_alts"]:
                m["_alts"].append(alt)
            continue
        m = {**err, "loc": stripped, "type": "union", "ctx": None,
             "msg": "value matches none of the allowed forms", "_alts": [alt] if alt else []}
        merged[stripped] = m
        out.append(m)
    for m in merged.values():
        m["_allowed"] = ", or ".join(m.pop("_alts"))
    return out


_LEADING_KEY = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*) \(")


def _named_key(model: type[BaseModel], loc: tuple, msg: str,
               data: Mapping[str, Any]) -> tuple[str, Any] | None:
    """(dotted key, its value) when a model-level message starts with ``key (value)``."""
    m = _LEADING_KEY.match(msg)
    parent = _model_at(model, loc)
    if m is None or parent is None:
        return None
    parts = m.group(1).split(".")
    cur: Any = data
    for part in parts:
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    if parts[0] not in parent.model_fields and not any(
            f.alias == parts[0] for f in parent.model_fields.values()):
        return None
    return m.group(1), (cur if isinstance(cur, (int, float, str, bool)) else None)


def _validate(model: type[BaseModel], data: Any, fname: str | None, lines: _Lines | None,
              prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ConfigError(problems_from_validation(e, model, fname, lines, prefix)) from None


# ----------------------------------------------------------------------------- overrides


def parse_scalar(text: str) -> Any:
    """Value of a command-line ``KEY=VALUE`` as YAML would read it."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError:
        return text


def set_dotted(data: dict[str, Any], key_path: str, value: Any) -> dict[str, Any]:
    """Copy of ``data`` with ``key_path`` (``a.b.c``) set to ``value``."""
    parts = key_path.split(".")
    if not all(parts):
        raise ConfigError([Problem(None, key_path, "empty part in dotted key path")])
    out = dict(data)
    cur = out
    for i, part in enumerate(parts[:-1]):
        nxt = cur.get(part)
        if nxt is None:
            nxt = {}
        elif not isinstance(nxt, dict):
            raise ConfigError([Problem(None, ".".join(parts[: i + 1]),
                                       "is a value, not a section; cannot set a key inside it",
                                       value=nxt)])
        else:
            nxt = dict(nxt)
        cur[part] = nxt
        cur = nxt
    cur[parts[-1]] = value
    return out


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def normalize_overrides(overrides: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any]:
    """``["a.b=1", ...]`` or ``{"a.b": 1}`` -> ``{"a.b": 1}``."""
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        return dict(overrides)
    out: dict[str, Any] = {}
    for item in overrides:
        if "=" not in item:
            raise ConfigError([Problem("--set", item, "expected KEY=VALUE",
                                       allowed="e.g. subarray.adc.bits=6")])
        k, v = item.split("=", 1)
        out[k.strip()] = parse_scalar(v.strip())
    return out


def _route_override(raw: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """Technology field overrides go to node_/device_overrides; the rest set the path."""
    if not isinstance(key, str):
        raise ConfigError([Problem("--set", str(key), "override keys must be dotted strings",
                                   value=key, allowed="e.g. subarray.adc.bits")])
    parts = key.split(".")
    if len(parts) >= 3 and parts[0] == "technology" and parts[1] in ("node", "device"):
        tech = raw.get("technology") or {}
        bucket = f"{parts[1]}_overrides"
        if not isinstance(tech, dict) or not isinstance(tech.get(bucket) or {}, dict):
            where = "technology" if not isinstance(tech, dict) else f"technology.{bucket}"
            raise ConfigError([Problem(None, where, "is a value, not a section; cannot apply "
                                       f"override {key!r}", value=tech if where ==
                                       "technology" else tech.get(bucket))])
        tech = dict(tech)
        tech[bucket] = set_dotted(dict(tech.get(bucket) or {}), ".".join(parts[2:]), value)
        return {**raw, "technology": tech}
    return set_dotted(raw, key, value)


# ----------------------------------------------------------------------------- registry


def _names_in(folder: Path, name_key: str = "name") -> dict[str, Path]:
    out: dict[str, Path] = {}
    for p in _yaml_files(folder):
        try:
            data, _ = read_yaml(p)
        except ConfigError:
            continue
        name = data.get(name_key)
        if isinstance(name, str):
            out[name] = p
    return out


def node_files() -> dict[str, Path]:
    return _names_in(technology_dir() / "cmos")


def device_files() -> dict[str, Path]:
    return _names_in(technology_dir() / "devices")


def architecture_files() -> dict[str, Path]:
    out = {}
    for p in _yaml_files(architectures_dir()):
        rel = p.relative_to(architectures_dir()).with_suffix("")
        out[str(rel)] = p
    return out


def _is_file(p: Path) -> bool:
    """``Path.is_file`` that treats unusable names (NUL bytes, too long) as 'not a file'."""
    try:
        return p.is_file()
    except (OSError, ValueError):
        return False


def _named_file(folder: Path, name: str) -> Path | None:
    """``folder/<name>.yaml`` when that file exists and declares ``name: <name>``.

    A file of that name that cannot be read is the user's problem to see, so its
    ConfigError propagates instead of a misleading "unknown node".
    """
    cand = folder / f"{name}.yaml"
    if not _is_file(cand):
        return None
    data, _ = read_yaml(cand)
    return cand if data.get("name") == name else None


def _resolve_ref(ref: str | int, kind: str, scan: Callable[[], dict[str, Path]],
                 base_dir: Path | None, fname: str | None, key: str,
                 lines: _Lines | None) -> Path:
    """Path of the node/device file ``ref`` names; ``scan`` lists all (only called on a miss)."""
    if kind == "node" and (isinstance(ref, (int, float)) and not isinstance(ref, bool)):
        ref = f"{ref:g}nm"
    if not isinstance(ref, str):
        raise ConfigError([Problem(fname, key, f"must name a {kind}", value=ref,
                                   allowed=", ".join(sorted(scan())),
                                   line=lines.find(key) if lines else None)])
    folder = technology_dir() / ("cmos" if kind == "node" else "devices")
    names = [ref, f"{ref}nm"] if kind == "node" and ref.isdigit() else [ref]
    for name in names:  # fast path: files are named after what they declare
        hit = _named_file(folder, name) if name and "/" not in name else None
        if hit is not None:
            return hit
    known = scan()
    if ref in known:
        return known[ref]
    if kind == "node" and ref.isdigit() and f"{ref}nm" in known:
        return known[f"{ref}nm"]
    if ref.endswith((".yaml", ".yml")):
        cands = [Path(ref)]
        if base_dir is not None:
            cands.insert(0, base_dir / ref)
        cands.append(technology_dir() / ref)
        for c in cands:
            if _is_file(c):
                return c
    close = difflib.get_close_matches(ref, list(known), n=1)
    msg = f"unknown {kind} {ref!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    raise ConfigError([Problem(fname, key, msg, allowed=", ".join(sorted(known)) +
                               " or a path to a .yaml file",
                               line=lines.find(key) if lines else None)])


def load_node(ref: str | int | Path, overrides: Mapping[str, Any] | None = None) -> CmosNode:
    """A CMOS node by name (``22nm``), number (22) or path, with field overrides."""
    path = Path(ref) if isinstance(ref, Path) else _resolve_ref(
        ref, "node", node_files, None, None, "node", None)
    data, lines = read_yaml(path)
    for k, v in (overrides or {}).items():
        data = set_dotted(data, k, v)
    return _validate(CmosNode, data, str(path), lines)


def load_device(ref: str | Path, overrides: Mapping[str, Any] | None = None) -> DeviceSpec:
    """A memory device by name (``rram``) or path, with field overrides."""
    path = Path(ref) if isinstance(ref, Path) else _resolve_ref(
        ref, "device", device_files, None, None, "device", None)
    data, lines = read_yaml(path)
    for k, v in (overrides or {}).items():
        data = set_dotted(data, k, v)
    return _validate(DeviceSpec, data, str(path), lines)


def _read_arch_raw(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], _Lines]:
    data, lines = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, lines
    fname = str(path)
    if not isinstance(parent, str):
        raise ConfigError([Problem(fname, "extends", "must be a file name or architecture name",
                                   value=parent, line=lines.find("extends"))])
    cands = [path.parent / parent, architectures_dir() / parent,
             architectures_dir() / f"{parent}.yaml"]
    ppath = next((c for c in cands if _is_file(c)), None)
    if ppath is None:
        raise ConfigError([Problem(fname, "extends", "no such architecture", value=parent,
                                   allowed=", ".join(sorted(architecture_files())),
                                   line=lines.find("extends"))])
    if ppath.resolve() in seen:
        raise ConfigError([Problem(fname, "extends", "circular extends", value=parent)])
    base, _ = _read_arch_raw(ppath, (*seen, path.resolve()))
    return deep_merge(base, data), lines


def resolve_architecture_path(ref: str | Path) -> Path:
    p = Path(ref)
    if _is_file(p):
        return p
    known = architecture_files()
    if str(ref) in known:
        return known[str(ref)]
    if p.is_dir():
        raise ConfigError([Problem(str(ref), "", "is a folder, not an architecture file",
                                   allowed="a .yaml file or one of " + ", ".join(sorted(known)))])
    close = difflib.get_close_matches(str(ref), list(known), n=1)
    raise ConfigError([Problem(str(ref), "", "architecture file not found" +
                               (f" (did you mean {close[0]!r}?)" if close else ""),
                               allowed="a path or one of " + ", ".join(sorted(known)))])


def design_from_dict(raw: dict[str, Any], *, fname: str | None = None,
                     lines: _Lines | None = None, base_dir: Path | None = None,
                     overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Design:
    """Validate raw architecture data (already parsed) into a :class:`Design`.

    Problems caused by an override name ``--set`` as their file (the value never was in
    the YAML file, so a line number there would mislead).
    """
    set_keys: list[str] = []
    try:
        for k, v in normalize_overrides(overrides).items():
            raw = _route_override(raw, k, v)
            set_keys.append(_routed_key(k))
        return _design_from_raw(raw, fname, lines, base_dir)
    except ConfigError as e:
        if not set_keys and not overrides:
            raise
        raise ConfigError([_blame_set(p, set_keys) for p in e.problems]) from None


def _routed_key(key: str) -> str:
    """Where an override lands in the raw data (technology fields go to *_overrides)."""
    parts = key.split(".")
    if len(parts) >= 3 and parts[0] == "technology" and parts[1] in ("node", "device"):
        return f"technology.{parts[1]}_overrides." + ".".join(parts[2:])
    return key


def _blame_set(p: Problem, set_keys: list[str]) -> Problem:
    if p.file is None or any(p.key_path == k or p.key_path.startswith(k + ".")
                             for k in set_keys):
        key = p.key_path  # the key as the user typed it: technology.device.r_on_ohm
        for bucket in ("node", "device"):
            if key.startswith(f"technology.{bucket}_overrides."):
                key = f"technology.{bucket}." + key[len(f"technology.{bucket}_overrides."):]
        return Problem("--set", key, p.message, p.value, p.allowed, None)
    return p


def _design_from_raw(raw: dict[str, Any], fname: str | None, lines: _Lines | None,
                     base_dir: Path | None) -> Design:
    arch: Architecture = _validate(Architecture, raw, fname, lines)
    tref = arch.technology
    node_path = _resolve_ref(tref.node, "node", node_files, base_dir, fname,
                             "technology.node", lines)
    dev_path = _resolve_ref(tref.device, "device", device_files, base_dir, fname,
                            "technology.device", lines)
    problems: list[Problem] = []
    node = device = None
    for model, path, ovr, key in ((CmosNode, node_path, tref.node_overrides, "node"),
                                  (DeviceSpec, dev_path, tref.device_overrides, "device")):
        data, flines = read_yaml(path)
        for k, v in ovr.items():
            data = set_dotted(data, k, v)
        try:
            obj = _validate(model, data, str(path), flines)
        except ConfigError as e:
            # an override is the likely culprit: name it in the architecture file
            for p in e.problems:
                first = p.key_path.split(".")[0]
                blamed = first if first and first in ovr else None
                if blamed is None:  # a cross-field check naming an overridden key
                    blamed = next((k for k in ovr if re.search(
                        rf"\b{re.escape(k.split('.')[0])}\b", p.message)), None)
                if blamed is not None:
                    sub = p.key_path if first in ovr else blamed
                    problems.append(Problem(fname, f"technology.{key}_overrides.{sub}",
                                            p.message, ovr.get(sub, p.value), p.allowed,
                                            lines.find(f"technology.{key}_overrides")
                                            if lines else None))
                else:
                    problems.append(p)
            continue
        if key == "node":
            node = obj
        else:
            device = obj
    if problems:
        raise ConfigError(problems)
    assert node is not None and device is not None
    problems = cross_check(arch, device, fname, lines)
    problems += component_kind_problems(arch, _registered_kinds, fname, lines)
    if problems:
        raise ConfigError(problems)
    design = Design(arch=arch, tech=Technology(node=node, device=device))
    problems = pitch_problems(design, fname, lines) + component_param_problems(design, fname,
                                                                                lines)
    if problems:
        raise ConfigError(problems)
    return design


def pitch_problems(design: Design, fname: str | None, lines: _Lines | None) -> list[Problem]:
    """Explicit cell pitches narrower than one local-metal wire pitch of the node: every
    column needs its own bit line and every row its own word line on that level."""
    wire_um = design.tech.node.wires.local.pitch_nm * 1e-3
    out = []
    for key in ("column_pitch_um", "row_pitch_um"):
        v = getattr(design.arch.subarray, key)
        if v is not None and v < wire_um:
            out.append(Problem(fname, f"subarray.{key}",
                               f"narrower than one local wire pitch of the "
                               f"{design.tech.node.name} node ({wire_um:.4g} µm): each "
                               f"{'column' if key.startswith('column') else 'row'} needs its "
                               "own line", value=v, allowed=f">= {wire_um:.4g}",
                               line=lines.find(f"subarray.{key}") if lines else None))
    return out


def exact_readout_problem(kind: str, bits: int, rows: int, signed: bool,
                          fname: str | None = None, line: int | None = None
                          ) -> Problem | None:
    """The one rule on the width of an exact digital read-out (an ADC model whose info has
    ``exact``: adc kind ``adder_tree``), for the cost and the accuracy path alike.

    It counts the one-bit products of the ``rows`` read at once: the column sum 0..rows
    needs log2(rows) + 1 bits (2^bits - 1 >= rows); under ``dac.signed_input`` the
    ternary products sum to -rows..rows, a sign bit more: log2(rows) + 2 bits
    (2^(bits-1) - 1 >= rows). None when ``bits`` suffice.
    """
    need = rows.bit_length() + (1 if signed else 0)  # smallest bits that hold the sums
    if bits >= need:
        return None
    what = "signed (dac.signed_input) products" if signed else "products"
    rule = "log2(rows) + 2" if signed else "log2(rows) + 1"
    return Problem(fname, "subarray.adc.bits",
                   f"an exact {kind} readout of {rows} rows of {what} needs {rule} bits",
                   value=bits, allowed=f">= {need}", line=line)


def component_param_problems(design: Design, fname: str | None,
                             lines: _Lines | None) -> list[Problem]:
    """Knobs (``params``, ``router``, ``mux_params``) that their component model rejects,
    located in the file.

    The model is run once, only where such knobs are set, so that a misspelt or out-of-range
    parameter is a ``file:line`` error at load time (and in ``ppa-sim validate``); other model
    errors (a rate above the converter's maximum ...) are left to the estimate, as before.
    Also: a 1T1R word-line rest level at or above the node's Vdd (no high level set), and
    an exact digital read-out too narrow for its rows (:func:`exact_readout_problem`).
    """
    import inspect

    from ppa_sim.components import registry

    arch = design.arch
    out = []
    for kind_key, group in COMPONENT_KIND_FIELDS.items():
        if group not in ("adc", "dac", "interconnect"):
            continue  # buffers take no knobs
        key = kind_key.removesuffix(".kind")
        level, field = key.split(".")
        spec = getattr(getattr(arch, level), field)
        if not getattr(spec, "params", None) and getattr(spec, "router", "compact") == "compact":
            continue
        try:
            fn = registry.get(group, spec.kind)
            if group == "adc":
                kw = {"dac": arch.subarray.dac} if "dac" in inspect.signature(fn).parameters \
                    else {}
                fn(spec, design.node, **kw)
            elif group == "dac":
                fn(spec, arch.subarray, design.tech)
            else:  # the knobs do not depend on the placement: any endpoints and span
                fn(spec, design.node, endpoints=4, span_um=1000.0)
        except ConfigError as e:
            for p in e.problems:
                kp = p.key_path
                if group == "interconnect" and kp.startswith("interconnect."):
                    kp = f"{level}.{kp}"  # the model does not know its level
                if kp.endswith(".params") and isinstance(p.value, (list, dict)) \
                        and len(p.value) == 1:
                    kp = f"{kp}.{next(iter(p.value))}"  # one name: point at it (file or --set)
                if kp.startswith((f"{key}.params", f"{key}.router")):
                    out.append(Problem(fname, kp, p.message, p.value, p.allowed,
                                       lines.find(kp) if lines else None))
    sub = arch.subarray
    if sub.mux_params:  # the read-out mux's knobs (sample_hold), located like the others
        try:
            registry.get("mux", sub.mux_kind)(sub, design.node)
        except ConfigError as e:
            for p in e.problems:
                kp = p.key_path
                if kp == "subarray.mux_params" and isinstance(p.value, (list, dict)) \
                        and len(p.value) == 1:
                    kp = f"{kp}.{next(iter(p.value))}"
                if kp.startswith("subarray.mux_params"):
                    out.append(Problem(fname, kp, p.message, p.value, p.allowed,
                                       lines.find(kp) if lines else None))
    try:  # the read-out's ``exact`` flag (its model; other model errors: the estimate's)
        fn = registry.get("adc", sub.adc.kind)
        kw = {"dac": sub.dac} if "dac" in inspect.signature(fn).parameters else {}
        exact = bool(fn(sub.adc, design.node, **kw).info.get("exact"))
    except ConfigError:
        exact = False
    if exact:
        p = exact_readout_problem(sub.adc.kind, sub.adc.bits, sub.rows_per_read,
                                  sub.dac.signed_input, fname,
                                  lines.find("subarray.adc.bits") if lines else None)
        if p is not None:
            out.append(p)
    if sub.cell.type == "1t1r" and sub.wl_low_voltage_v > 0:
        # the rest level must sit below the high level, the node's Vdd when none is set
        from ppa_sim.components.array import wl_levels

        try:
            wl_levels(sub, design.tech)
        except ConfigError as e:
            out += [Problem(fname, p.key_path, p.message, p.value, p.allowed,
                            lines.find(p.key_path) if lines else None) for p in e.problems]
    return out


#: Architecture fields that name a registered component model: key path -> registry group.
#: (The cell type is a closed Literal checked by pydantic, so it is not listed.)
COMPONENT_KIND_FIELDS: dict[str, str] = {
    "subarray.adc.kind": "adc",
    "subarray.dac.kind": "dac",
    "pe.buffer.kind": "buffer",
    "tile.buffer.kind": "buffer",
    "chip.global_buffer.kind": "buffer",
    "pe.interconnect.kind": "interconnect",
    "tile.interconnect.kind": "interconnect",
    "chip.interconnect.kind": "interconnect",
}


def component_kind_problems(arch: Architecture, kinds_of: Callable[[str], Iterable[str]],
                            fname: str | None, lines: _Lines | None) -> list[Problem]:
    """Component ``kind`` fields that name no model of their group (``kinds_of(group)``).

    Pure: the caller passes the registry lookup, so that a typo such as ``adc.kind: sarr``
    is reported with its file and line at load time (and by ``ppa-sim validate``), not
    only when the estimator first asks for the model.
    """
    out = []
    for key, group in COMPONENT_KIND_FIELDS.items():
        cur: Any = arch
        for part in key.split("."):
            cur = getattr(cur, part)
        known = sorted(kinds_of(group))
        if known and cur not in known:
            close = difflib.get_close_matches(str(cur), known, n=1)
            msg = f"unknown {group} kind" + (f" (did you mean {close[0]!r}?)" if close else "")
            out.append(Problem(fname, key, msg, value=cur, allowed=", ".join(known),
                               line=lines.find(key) if lines else None))
    return out


def _registered_kinds(group: str) -> list[str]:
    # Lazy: the registry lives with the component models (a later stage); it is only
    # consulted here so that a misspelt kind is a located load-time error.
    from ppa_sim.components import registry

    return registry.kinds(group)


def cross_check(arch: Architecture, device: DeviceSpec, fname: str | None,
                lines: _Lines | None) -> list[Problem]:
    """Checks that need both the architecture and its technology."""
    out = []

    def at(key: str) -> int | None:
        return lines.find(key) if lines else None

    cell = arch.subarray.cell
    levels = cell.n_levels
    if levels > device.levels:
        if cell.levels is not None:
            out.append(Problem(fname, "subarray.cell.levels",
                               f"{levels} levels per cell needed but device {device.name!r} "
                               f"holds {device.levels}", value=cell.levels,
                               allowed=f"<= {device.levels}", line=at("subarray.cell.levels")))
        else:
            out.append(Problem(fname, "subarray.cell.bits",
                               f"{levels} levels per cell needed but device {device.name!r} "
                               f"holds {device.levels}", value=cell.bits,
                               allowed=f"<= {device.levels.bit_length() - 1}",
                               line=at("subarray.cell.bits")))
    # a c2c (charge-domain C-2C ladder) cell stores its weight bits in SRAM cells
    sram_cell = arch.subarray.cell.type.startswith("sram") or arch.subarray.cell.type == "c2c"
    if sram_cell != (device.kind == "sram"):
        out.append(Problem(fname, "subarray.cell.type",
                           f"cell type {arch.subarray.cell.type!r} does not fit a "
                           f"{device.kind} device", value=arch.subarray.cell.type,
                           allowed="sram6t/sram8t/c2c for SRAM devices, 1t1r/0t1r/1fefet otherwise",
                           line=at("subarray.cell.type")))
    if arch.subarray.cell.type == "0t1r" and device.cell_area_0t1r_f2 is None:
        out.append(Problem(fname, "subarray.cell.type",
                           f"device {device.name!r} gives no selector-less (0T1R) cell area",
                           value="0t1r", allowed="1t1r, or a device with cell_area_0t1r_f2",
                           line=at("subarray.cell.type")))
    if arch.subarray.cell.type == "1fefet" and device.kind != "fefet":
        out.append(Problem(fname, "subarray.cell.type", "1fefet cells need a FeFET device",
                           value=device.kind, line=at("subarray.cell.type")))
    return out


def load_design(path: str | Path,
                overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Design:
    """Load an architecture YAML (path or shipped name) and its technology."""
    p = resolve_architecture_path(path)
    raw, lines = _read_arch_raw(p)
    kind = file_kind(raw)
    if kind in ("node", "device", "sweep"):  # one clear message, not one per foreign key
        hint = {"node": "reference it from an architecture as technology.node",
                "device": "reference it from an architecture as technology.device",
                "sweep": "run it with 'ppa-sim sweep'"}[kind]
        raise ConfigError([Problem(str(path), "", f"this is a {kind} file, not an "
                                   f"architecture ({hint})", allowed="an architecture YAML "
                                   "(with technology:, subarray: ...) or one of "
                                   + ", ".join(sorted(architecture_files())))])
    # problems name the file as the user gave it, or the file a shipped name resolved to
    fname = str(path) if _is_file(Path(path)) else str(p)
    return design_from_dict(raw, fname=fname, lines=lines, base_dir=p.parent,
                            overrides=overrides)


def load_architecture_raw(path: str | Path) -> dict[str, Any]:
    """Raw (merged ``extends``) data of an architecture file, for sweeps and reports."""
    raw, _ = _read_arch_raw(resolve_architecture_path(path))
    return raw


# ----------------------------------------------------------------------------- validate


def file_kind(data: Mapping[str, Any]) -> str:
    """Guess what a YAML file describes from its keys."""
    if "technology" in data or "extends" in data or "subarray" in data:
        return "architecture"
    if "node_nm" in data:
        return "node"
    if "r_on_ohm" in data or data.get("kind") in ("rram", "pcm", "fefet", "mram", "sram"):
        return "device"
    if "axes" in data or "base" in data:
        return "sweep"
    return "unknown"


def validate_file(path: str | Path) -> str:
    """Validate any shipped kind of YAML; returns its kind, raises ConfigError."""
    p = Path(path)
    data, lines = read_yaml(p)
    kind = file_kind(data)
    if kind == "node":
        _validate(CmosNode, data, str(p), lines)
    elif kind == "device":
        _validate(DeviceSpec, data, str(p), lines)
    elif kind == "architecture":
        load_design(p)
    elif kind == "sweep":
        from ppa_sim.dse.spec import load_sweep_spec  # sweep specs live with the DSE stage

        load_sweep_spec(p)
    else:
        raise ConfigError([Problem(str(p), "", "cannot tell what this file describes",
                                   allowed="a CMOS node (node_nm: ...), a device (kind: rram...),"
                                   " an architecture (technology: ...) or a sweep (axes: ...)")])
    return kind
