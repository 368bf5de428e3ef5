"""Registry of component models: (group, kind) -> pure cost function.

A new model (say, a new ADC topology) is one module with one decorated
function::

    @register("adc", "sar")
    def sar_adc(spec: AdcSpec, node: CmosNode, **ctx) -> ComponentCost: ...

and the architecture YAML selects it with ``adc: {kind: sar}``. Other packages
add models through the ``ppa_sim.components`` entry-point group (each entry
point names a module to import, which registers its models on import).
Unknown kinds fail with the list of known ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from ppa_sim.errors import ConfigError, Problem

ModelFn = Callable[..., Any]

_MODELS: dict[tuple[str, str], ModelFn] = {}
_LOADED = {"builtin": False, "plugins": False}

#: Entry-point group other packages use to add component models.
ENTRY_POINT_GROUP = "ppa_sim.components"

#: Built-in model modules, imported on first lookup.
BUILTIN_MODULES = (
    "ppa_sim.components.array",
    "ppa_sim.components.adc",
    "ppa_sim.components.adc_cdac",
    "ppa_sim.components.adc_sa_flash",
    "ppa_sim.components.neuron",
    "ppa_sim.components.dac",
    "ppa_sim.components.dac_pulse_count",
    "ppa_sim.components.dac_line_switch",
    "ppa_sim.components.program_driver",
    "ppa_sim.components.decoder",
    "ppa_sim.components.mux",
    "ppa_sim.components.digital",
    "ppa_sim.components.buffer",
    "ppa_sim.components.interconnect",
)


def register(group: str, kind: str) -> Callable[[ModelFn], ModelFn]:
    """Register ``fn`` as the model of ``kind`` in ``group`` (adc, buffer, ...)."""

    def deco(fn: ModelFn) -> ModelFn:
        key = (group, kind)
        if key in _MODELS and _MODELS[key] is not fn:
            raise ValueError(f"component {group}/{kind} registered twice")
        _MODELS[key] = fn
        return fn

    return deco


def unregister(group: str, kind: str) -> None:
    """Remove a registered model (plug-in tests, interactive reloading)."""
    _MODELS.pop((group, kind), None)


def load_plugins(*, force: bool = False) -> list[str]:
    """Import every module named by a ``ppa_sim.components`` entry point.

    Done once on the first lookup; ``force=True`` scans again (e.g. after
    installing a plug-in in a running session). Returns the entry-point names
    loaded. A plug-in that fails to import raises ConfigError naming it.
    """
    if _LOADED["plugins"] and not force:
        return []
    _LOADED["plugins"] = True
    loaded = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            ep.load()
        except Exception as e:  # any import failure is reported with the plug-in name
            raise ConfigError([Problem(None, f"entry point {ep.name!r}",
                                       f"component plug-in {ep.value!r} failed to load: {e}")]
                              ) from e
        loaded.append(ep.name)
    return loaded


def _ensure_loaded() -> None:
    if not _LOADED["builtin"]:
        _LOADED["builtin"] = True
        for mod in BUILTIN_MODULES:
            try:
                importlib.import_module(mod)
            except ModuleNotFoundError as e:
                if e.name != mod:
                    raise
    if not _LOADED["plugins"]:
        load_plugins()


def kinds(group: str) -> list[str]:
    """Known kinds of one group, sorted."""
    _ensure_loaded()
    return sorted(k for g, k in _MODELS if g == group)


def groups() -> list[str]:
    _ensure_loaded()
    return sorted({g for g, _ in _MODELS})


def get(group: str, kind: str, *, key_path: str = "") -> ModelFn:
    """The model registered for ``group``/``kind``; ConfigError listing known kinds."""
    _ensure_loaded()
    try:
        return _MODELS[(group, kind)]
    except KeyError:
        known = kinds(group)
        raise ConfigError([Problem(None, key_path or f"{group}.kind",
                                   f"unknown {group} kind", value=kind,
                                   allowed=", ".join(known) or "(none registered)")]) from None
