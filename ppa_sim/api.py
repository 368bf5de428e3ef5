"""The Python API: what the CLI, sweeps and user scripts call.

Every function takes a design (architecture path/name or a loaded
:class:`~ppa_sim.spec.Design`) and returns a frozen result type from
:mod:`ppa_sim.results`. Heavy imports (torch, dask, optuna) happen inside the
functions that need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ppa_sim.spec import Design
from ppa_sim.spec.load import load_design as _load_design

DesignLike = "str | Path | Design"


def load_design(arch: str | Path | Design,
                overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Design:
    """An architecture (path, shipped name or Design) with dotted overrides applied."""
    if isinstance(arch, Design):
        if overrides:
            from ppa_sim.spec.load import design_from_dict

            return design_from_dict(arch.arch.model_dump(by_alias=True), overrides=overrides)
        return arch
    return _load_design(arch, overrides)


def load_network(ref: Any, example_input: Any = None):  # noqa: ANN201
    """A :class:`~ppa_sim.network.Network` from a zoo name, .py, .onnx, .csv or nn.Module."""
    from ppa_sim.network.load import load_network as _ln

    return _ln(ref, example_input=example_input)


def estimate(arch: str | Path | Design, network: Any, *,
             overrides: Mapping[str, Any] | Iterable[str] | None = None,
             activity: Any = None, training: bool = False):  # noqa: ANN201
    """Area, energy, latency and throughput of ``network`` on ``arch`` (an Estimate)."""
    from ppa_sim.rollup import estimate_design

    design = load_design(arch, overrides)
    net = network if hasattr(network, "layers") else load_network(network)
    return estimate_design(design, net, activity=activity, training=training)


evaluate = estimate


def simulate_accuracy(model: Any, data: Any, arch: str | Path | Design, *, runs: int = 10,
                      seed: int = 0, overrides: Mapping[str, Any] | Iterable[str] | None = None,
                      **kwargs: Any):  # noqa: ANN201
    """Ideal and hardware accuracy (mean ± std over ``runs`` chip instances)."""
    from ppa_sim.accuracy.evaluate import simulate_accuracy as _sim

    return _sim(model, data, load_design(arch, overrides), runs=runs, seed=seed, **kwargs)


def sweep(spec: Any, **kwargs: Any):  # noqa: ANN201
    """Run a sweep spec (path or dict); returns result rows (and .df if pandas is installed)."""
    from ppa_sim.dse.sweep import run_sweep

    return run_sweep(spec, **kwargs)


def search(**kwargs: Any):  # noqa: ANN201
    """Multi-objective architecture search with Optuna (NSGA-II)."""
    from ppa_sim.dse.search import search as _search

    return _search(**kwargs)


def train(model: Any, data: Any, arch: str | Path | Design, **kwargs: Any):  # noqa: ANN201
    """Hardware-aware training of ``model`` through the crossbar model."""
    from ppa_sim.accuracy.training import train as _train

    return _train(model, data, load_design(arch, kwargs.pop("overrides", None)), **kwargs)
