"""Built-in networks (shapes only, no trained weights).

Every zoo network is the torch definition in :mod:`ppa_sim.network.models` traced by
:func:`ppa_sim.network.torch_import.from_torch` on the ``meta`` device (shapes are
propagated without allocating weights or computing anything), so the zoo, the torch
importer and the accuracy path see the same layers with the same names.

``get`` is cached per name (pure: the result is a frozen :class:`Network`); importing
this module does not import torch.
"""

from __future__ import annotations

from functools import cache

from ppa_sim.errors import NetworkError
from ppa_sim.network.layer import Network

__all__ = ["names", "get", "canonical_name"]

#: Zoo names in display order (the factories in ppa_sim.network.models).
_NAMES = ("vgg8", "vgg16", "resnet20", "resnet56", "resnet18", "resnet50", "googlenet_cifar",
          "alexnet", "mobilenet_v2", "lenet5", "vit_tiny")

#: Other spellings users type (normalized: lower case, no '-', '_' or ' ').
_ALIASES = {"googlenet": "googlenet_cifar", "mobilenetv2": "mobilenet_v2", "lenet": "lenet5",
            "vittiny": "vit_tiny", "deittiny": "vit_tiny", "deitti": "vit_tiny",
            "vitti": "vit_tiny"}


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
    import torch

    from ppa_sim.network import models
    from ppa_sim.network.torch_import import from_torch

    with torch.device("meta"):
        model = models.FACTORIES[name]()
    net = from_torch(model, name=name)
    return Network(name=name, input_shape=net.input_shape, layers=net.layers,
                   description=net.description, source=f"zoo:{name}")
