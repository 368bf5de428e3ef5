"""``convert(model, design)``: a copy of a torch model whose conv/linear layers run on
the design's crossbars (the original model is left untouched).

Per-layer options follow :class:`~ppa_sim.accuracy.options.LayerConfigMap`
(global -> type -> name regex -> exact name; ``None``/``'digital'`` keeps a
layer in floating point)::

    from ppa_sim.accuracy import convert, SimOptions, LayerConfigMap
    cfg = LayerConfigMap().set_name("features.0", None).set_name("classifier", None)
    hw = convert(model, "architectures/default.yaml", overrides=cfg)
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ppa_sim.accuracy.layers import CrossbarLayer, crossbar_layer
from ppa_sim.accuracy.options import LayerConfigMap, RuleValue, SimOptions
from ppa_sim.spec import Design


def _design(design: str | Path | Design, overrides: Any = None) -> Design:
    if isinstance(design, Design) and not overrides:
        return design
    from ppa_sim.api import load_design

    return load_design(design, overrides)


def layer_seed(seed: int, name: str) -> int:
    """Per-layer seed of a chip instance: stable across runs and Python sessions."""
    h = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "little") & 0x7FFF_FFFF_FFFF


def convert(model: nn.Module, design: str | Path | Design, *,
            options: SimOptions | None = None,
            overrides: LayerConfigMap | Mapping[str, RuleValue | str] | None = None,
            digital: Iterable[str] = (), seed: int = 0,
            design_overrides: Any = None) -> nn.Module:
    """A deep copy of ``model`` with every ``nn.Conv2d``/``nn.Linear`` replaced by its
    crossbar form, programmed as chip instance ``seed``.

    ``options`` are the global :class:`SimOptions`; ``overrides`` a
    :class:`LayerConfigMap` or ``{qualified name | '/regex/': SimOptions | 'digital'}``;
    ``digital`` names layers kept in floating point.
    """
    d = _design(design, design_overrides)
    cfg = LayerConfigMap.build(options, overrides, digital)
    out = copy.deepcopy(model)
    out.eval()
    targets = [(name, m) for name, m in out.named_modules()
               if isinstance(m, (nn.Conv2d, nn.Linear)) and not isinstance(m, CrossbarLayer)]
    for name, m in targets:
        opts = cfg.resolve(name, m)
        if opts is None:
            continue
        new = crossbar_layer(m, name, d, opts, seed=layer_seed(seed, name))
        _set_submodule(out, name, new)
    return out


def _set_submodule(root: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    parent = root.get_submodule(parent_name) if parent_name else root
    setattr(parent, child, new)


def crossbar_layers(model: nn.Module) -> Iterator[tuple[str, CrossbarLayer]]:
    """(qualified name, layer) of every crossbar layer in ``model``."""
    for name, m in model.named_modules():
        if isinstance(m, CrossbarLayer):
            yield name, m


def program_chip(model: nn.Module, seed: int) -> nn.Module:
    """Re-program every crossbar layer as simulated chip instance ``seed`` (in place)."""
    for name, m in crossbar_layers(model):
        m.program(layer_seed(seed, name))
    return model


@torch.no_grad()
def calibrate(model: nn.Module, batches: Iterable[torch.Tensor]) -> dict[str, float]:
    """Set each crossbar layer's input (DAC) full scale to the largest |input| it sees
    while ``model`` runs ``batches`` with ideal (floating-point) layers.

    Returns {layer name: input full scale}.
    """
    layers = dict(crossbar_layers(model))
    seen: dict[str, float] = {n: 0.0 for n in layers}
    for n, m in layers.items():
        def fwd(x: torch.Tensor, _m: CrossbarLayer = m, _n: str = n) -> torch.Tensor:
            seen[_n] = max(seen[_n], float(x.detach().abs().max()))
            return _ideal_forward(_m, x)

        m.forward = fwd  # type: ignore[method-assign]
    try:
        for xb in batches:
            model(xb)
    finally:
        for m in layers.values():
            del m.forward
    for n, m in layers.items():
        m.input_max.fill_(seen[n])
    return seen


def _ideal_forward(m: CrossbarLayer, x: torch.Tensor) -> torch.Tensor:
    import torch.nn.functional as F

    if x.dim() >= 3 and m.layer.kind == "conv2d":
        return F.conv2d(x, m.weight, m.bias, m.stride, m.padding, m.dilation,
                        m.layer.groups)
    return F.linear(x, m.weight, m.bias)
