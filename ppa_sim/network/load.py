"""One entry point for every way to name a network (the CLI's ``--network``).

``load_network(ref)`` accepts

* a :class:`~ppa_sim.network.Network` (returned as is);
* a ``torch.nn.Module`` (traced with ``example_input``: a batched tensor or a
  per-sample shape; default ``model.input_shape``);
* a zoo name (``vgg8``, ``ResNet-18`` ..., see :func:`ppa_sim.network.zoo.names`);
* a path to
  - ``.py``: a module exposing a factory ``model()`` or ``build_model()``, or a
    ``MODEL`` (an ``nn.Module`` or a callable returning one), and optionally
    ``example_input()`` (a batched tensor) or ``INPUT_SHAPE`` (per-sample shape),
    ``NAME`` and ``PRECISION`` (per-layer bits, see :mod:`ppa_sim.network.precision`);
  - ``.onnx``: an ONNX model (see :mod:`ppa_sim.network.onnx_import`);
  - ``.csv``: a DNN+NeuroSim ``NetWork_*.csv`` (see :mod:`ppa_sim.network.csv_import`).

Everything that goes wrong raises :class:`~ppa_sim.errors.NetworkError` saying which
file and what is wrong.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppa_sim.errors import NetworkError
from ppa_sim.network import zoo
from ppa_sim.network.layer import Network

__all__ = ["ModelFile", "load_network", "load_python_model"]

_FACTORY_NAMES = ("model", "build_model", "MODEL")


def load_network(ref: Any, example_input: Any = None) -> Network:
    """A :class:`Network` from a Network, nn.Module, zoo name, or .py/.onnx/.csv path."""
    if isinstance(ref, Network):
        return ref
    if _is_module(ref):
        from ppa_sim.network.torch_import import from_torch

        return from_torch(ref, example_input)
    if not isinstance(ref, (str, Path)):
        raise NetworkError(f"cannot make a network from a {type(ref).__name__}: give a zoo "
                           "name, a .py/.onnx/.csv path, an nn.Module or a Network")
    text = str(ref)
    path = Path(text).expanduser()
    suffix = path.suffix.lower()
    if suffix in (".py", ".onnx", ".csv"):
        if not path.is_file():
            raise NetworkError(f"{path}: network file not found")
        if suffix == ".csv":
            from ppa_sim.network.csv_import import from_csv

            return from_csv(path)
        if suffix == ".onnx":
            from ppa_sim.network.onnx_import import from_onnx

            return from_onnx(path)
        from ppa_sim.network.torch_import import from_torch

        mf = load_python_model(path)
        net = from_torch(mf.model, example_input if example_input is not None
                         else mf.example_input, name=mf.name)
        rules = mf.precision
        if rules is not None:
            from ppa_sim.network.precision import with_precision

            try:
                net = with_precision(net, per_layer=rules)
            except NetworkError as exc:
                raise NetworkError(f"{path}: PRECISION: {exc}") from exc
        return net
    if zoo.canonical_name(text) is not None:
        return zoo.get(text)
    if path.exists():
        raise NetworkError(f"{path}: unknown network file type '{path.suffix}'; "
                           "use .py (model factory), .onnx or .csv (NeuroSim format)")
    raise NetworkError(f"unknown network {text!r}: not a built-in network "
                       f"({', '.join(zoo.names())}) nor a .py/.onnx/.csv file")


def _is_module(obj: Any) -> bool:
    if "torch" not in sys.modules:
        return False
    from torch import nn

    return isinstance(obj, nn.Module)


@dataclass(frozen=True)
class ModelFile:
    """What a ``.py`` model file provides."""

    model: Any
    """The ``torch.nn.Module``."""
    example_input: Any
    """A batched tensor, a per-sample shape, or None (use ``model.input_shape``)."""
    name: str
    precision: Mapping[str, Mapping[str, int | None]] | None = None
    """Per-layer precision rules (``PRECISION``), see :mod:`ppa_sim.network.precision`."""


def load_python_model(path: str | Path) -> ModelFile:
    """Execute a model file and collect its model, example input, name and precision
    rules. The file is run as a fresh module (not added to sys.modules)."""
    from torch import nn

    p = Path(path)
    spec = importlib.util.spec_from_file_location(f"ppa_sim_user_model_{abs(hash(p))}", p)
    if spec is None or spec.loader is None:
        raise NetworkError(f"{p}: cannot load as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - the user's file
        raise NetworkError(f"{p}: running the model file failed: "
                           f"{type(exc).__name__}: {exc}") from exc
    factory = next((getattr(module, n) for n in _FACTORY_NAMES if hasattr(module, n)), None)
    if factory is None:
        raise NetworkError(f"{p}: defines none of {', '.join(_FACTORY_NAMES)} "
                           "(a function returning an nn.Module, or the module itself)")
    try:
        model = factory if isinstance(factory, nn.Module) else factory()
    except Exception as exc:  # noqa: BLE001
        raise NetworkError(f"{p}: building the model failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(model, nn.Module):
        raise NetworkError(f"{p}: the model factory returned a {type(model).__name__}, "
                           "not a torch.nn.Module")
    example: Any = None
    if hasattr(module, "example_input"):
        try:
            example = module.example_input()
        except Exception as exc:  # noqa: BLE001
            raise NetworkError(f"{p}: example_input() failed: "
                               f"{type(exc).__name__}: {exc}") from exc
    elif hasattr(module, "INPUT_SHAPE"):
        example = tuple(module.INPUT_SHAPE)
    name = str(getattr(module, "NAME", "") or p.stem)
    precision = getattr(module, "PRECISION", None)
    if precision is not None and not isinstance(precision, Mapping):
        raise NetworkError(f"{p}: PRECISION must be a dict of layer name/pattern -> "
                           "{'weight_bits': n, 'act_bits': m}")
    return ModelFile(model=model, example_input=example, name=name, precision=precision)
