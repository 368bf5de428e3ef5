"""Built-in networks (shapes only, no trained weights).

The torch definitions in :mod:`ppa_sim.network.models` are the single source of truth:
every zoo network is that definition traced by
:func:`ppa_sim.network.torch_import.from_torch` on the ``meta`` device (shapes are
propagated without allocating weights or computing anything), so the zoo, the torch
importer and the accuracy path see the same layers with the same names.

Tracing needs torch (about 2 s to import) plus up to a few seconds per network, while an
estimate takes milliseconds. So the traced networks are also shipped as data,
``zoo_layers.json`` next to this module, stamped with a fingerprint of what produced
them (the source of ``models.py`` and ``torch_import.py`` and the field list of
:class:`~ppa_sim.network.Layer` / :class:`~ppa_sim.network.Network`). :func:`get` reads
that file without importing torch when the fingerprint matches, and traces (same
result, slower; a :class:`ZooDataWarning` says why) when the file is missing, unreadable
or stale. Regenerate it after changing a model, the tracer or the layer fields with::

    make zoo          # or: python -m ppa_sim.network.zoo --write

``python -m ppa_sim.network.zoo --check`` traces every network and exits 1 when the
shipped file differs (the test suite does the same).

``get`` is cached per name (pure: the result is a frozen :class:`Network`); importing
this module does not import torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import warnings
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ppa_sim.errors import NetworkError
from ppa_sim.network.layer import Layer, Network

__all__ = ["names", "get", "canonical_name", "trace", "fingerprint", "read_data",
           "write_data", "DATA_FILE", "REGENERATE", "ZooDataWarning"]

#: Zoo names in display order (the factories in ppa_sim.network.models).
_NAMES = ("vgg8", "vgg16", "resnet20", "resnet56", "resnet18", "resnet50", "googlenet_cifar",
          "alexnet", "mobilenet_v2", "lenet5", "vit_tiny")

#: Other spellings users type (normalized: lower case, no '-', '_' or ' ').
_ALIASES = {"googlenet": "googlenet_cifar", "mobilenetv2": "mobilenet_v2", "lenet": "lenet5",
            "vittiny": "vit_tiny", "deittiny": "vit_tiny", "deitti": "vit_tiny",
            "vitti": "vit_tiny"}

#: The shipped traced networks (package data, see pyproject.toml).
DATA_FILE = Path(__file__).with_name("zoo_layers.json")
#: Format of DATA_FILE; bump when the file layout (not the layer fields) changes.
_SCHEMA = "ppa_sim.zoo_layers/1"
#: Sources whose text determines the traced networks (hashed into the fingerprint).
_SOURCES = ("models.py", "torch_import.py")
#: How to regenerate DATA_FILE (quoted in warnings and test failures).
REGENERATE = "make zoo  (or: python -m ppa_sim.network.zoo --write)"
#: Network fields stored besides the layers.
_NET_FIELDS = ("name", "input_shape", "description", "source")


class ZooDataWarning(UserWarning):
    """The shipped zoo data could not be used; the networks are traced with torch."""


def names() -> list[str]:
    """Names of the built-in networks."""
    return list(_NAMES)


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in "-_ ")


def canonical_name(name: str) -> str | None:
    """The zoo name for ``name`` ('VGG-8', 'ResNet_18', 'mobilenetv2' ...) or None."""
    k = _key(name)
    for n in _NAMES:
        if _key(n) == k:
            return n
    return _ALIASES.get(k)


def get(name: str) -> Network:
    """The zoo network ``name`` (case, '-' and '_' are ignored)."""
    canon = canonical_name(str(name))
    if canon is None:
        raise NetworkError(f"unknown network {name!r}; built-in networks: {', '.join(_NAMES)}")
    return _build(canon)


@cache
def _build(name: str) -> Network:
    raw = _shipped().get(name)
    if raw is not None:
        return _network_from_raw(raw)
    return trace(name)


def trace(name: str) -> Network:
    """Zoo network ``name`` (a canonical name) traced from its torch definition (imports
    torch; what the shipped data must equal)."""
    import torch

    from ppa_sim.network import models
    from ppa_sim.network.torch_import import from_torch

    with torch.device("meta"):
        model = models.FACTORIES[name]()
    net = from_torch(model, name=name)
    return Network(name=name, input_shape=net.input_shape, layers=net.layers,
                   description=net.description, source=f"zoo:{name}")


# ------------------------------------------------------------------ shipped data
def _schema_text(cls: type) -> str:
    """Field names, annotated types and defaults of a dataclass, one line each."""
    lines = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default = repr(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            default = f"factory {getattr(f.default_factory, '__name__', '?')}"
        else:
            default = "required"
        lines.append(f"{cls.__name__}.{f.name}: {f.type} = {default}")
    return "\n".join(lines)


def fingerprint(source_dir: str | Path | None = None) -> str:
    """Hash of what determines the traced zoo: the data format, the source text of
    models.py and torch_import.py (in ``source_dir``, default this package; line endings
    normalised) and the Layer/Network field lists. Reads two files; imports nothing."""
    h = hashlib.sha256()
    h.update(_SCHEMA.encode())
    here = Path(source_dir) if source_dir is not None else Path(__file__).parent
    for fname in _SOURCES:
        h.update(f"\n--- {fname}\n".encode())
        h.update((here / fname).read_bytes().replace(b"\r\n", b"\n"))
    h.update(b"\n--- schema\n")
    h.update(_schema_text(Layer).encode())
    h.update(_schema_text(Network).encode())
    return "sha256:" + h.hexdigest()


def _layer_fields() -> list[str]:
    return [f.name for f in dataclasses.fields(Layer)]


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _tupled(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _network_from_raw(raw: Mapping[str, Any]) -> Network:
    fields = _layer_fields()
    layers = tuple(Layer(**{k: _tupled(v) for k, v in zip(fields, row, strict=True)})
                   for row in raw["layers"])
    return Network(name=raw["name"], input_shape=tuple(raw["input_shape"]), layers=layers,
                   description=raw["description"], source=raw["source"])


def read_data(path: str | Path | None = None) -> tuple[dict[str, dict], str | None]:
    """The raw networks of a zoo data file and ``None``, or ``({}, why)`` when the file
    is missing, unreadable, of another format or stale (fingerprint differs)."""
    p = Path(path) if path is not None else DATA_FILE
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, f"{p} is missing"
    except (OSError, ValueError) as exc:
        return {}, f"{p} is unreadable ({type(exc).__name__}: {exc})"
    if not isinstance(doc, dict) or doc.get("schema") != _SCHEMA:
        return {}, f"{p} is not a {_SCHEMA} file"
    if doc.get("fingerprint") != fingerprint():
        return {}, (f"{p} is stale: models.py, torch_import.py or the Layer fields changed "
                    "since it was written")
    if doc.get("layer_fields") != _layer_fields():
        return {}, f"{p} has other layer fields than ppa_sim.network.Layer"
    nets = doc.get("networks")
    if not isinstance(nets, dict):
        return {}, f"{p} has no 'networks' table"
    return nets, None


@cache
def _shipped() -> dict[str, dict]:
    nets, problem = read_data()
    if problem is not None:
        warnings.warn(f"{problem}; tracing zoo networks with torch instead (slower). "
                      f"Regenerate it with: {REGENERATE}", ZooDataWarning, stacklevel=4)
    return nets


def _encode(nets: Iterable[Network]) -> str:
    """The data file text: one layer per line so diffs show which layers changed."""
    fields = _layer_fields()
    out = ["{", f'  "schema": {json.dumps(_SCHEMA)},',
           f'  "fingerprint": {json.dumps(fingerprint())},',
           f'  "generated_by": {json.dumps(REGENERATE)},',
           f'  "layer_fields": {json.dumps(fields)},', '  "networks": {']
    blocks = []
    for net in nets:
        head = ", ".join(f"{json.dumps(k)}: {json.dumps(_jsonable(getattr(net, k)))}"
                         for k in _NET_FIELDS)
        rows = ",\n".join("      " + json.dumps([_jsonable(getattr(lay, f)) for f in fields])
                          for lay in net.layers)
        blocks.append(f"    {json.dumps(net.name)}: {{{head}, \"layers\": [\n{rows}\n    ]}}")
    out.append(",\n".join(blocks))
    out += ["  }", "}", ""]
    return "\n".join(out)


def write_data(path: str | Path | None = None,
               networks: Iterable[Network] | None = None) -> Path:
    """Trace every zoo network (or write the given ones) into a zoo data file
    (default: the shipped :data:`DATA_FILE`), atomically. Returns the path."""
    p = Path(path) if path is not None else DATA_FILE
    nets = list(networks) if networks is not None else [trace(n) for n in _NAMES]
    text = _encode(nets)
    tmp = p.with_name(p.name + f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
    return p


def stale_networks(path: str | Path | None = None) -> list[str]:
    """Zoo names whose shipped data is missing or differs from a fresh trace (imports
    torch and traces everything), plus '<file>' when the file itself is unusable."""
    raw, problem = read_data(path)
    bad = ["<file>"] if problem else []
    for name in _NAMES:
        # repr compares every field with its type (True vs 1, tuple vs list)
        if name not in raw or repr(_network_from_raw(raw[name])) != repr(trace(name)):
            bad.append(name)
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m ppa_sim.network.zoo",
        description="Regenerate or check the shipped traced zoo networks "
                    f"({DATA_FILE.name}).")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true",
                       help="trace every zoo network and write the data file")
    group.add_argument("--check", action="store_true",
                       help="trace every zoo network; exit 1 when the data file differs")
    ap.add_argument("--path", type=Path, default=None,
                    help=f"data file (default: {DATA_FILE})")
    args = ap.parse_args(argv)
    if args.write:
        p = write_data(args.path)
        print(f"wrote {len(_NAMES)} networks to {p}")
        return 0
    bad = stale_networks(args.path)
    if bad:
        print(f"zoo data out of date for: {', '.join(bad)}; regenerate with: {REGENERATE}",
              file=sys.stderr)
        return 1
    print(f"{args.path or DATA_FILE}: all {len(_NAMES)} networks match their torch trace")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
