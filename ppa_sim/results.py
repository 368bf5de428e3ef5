"""Result types every API call returns (frozen dataclasses).

``Estimate`` is what :func:`ppa_sim.estimate` returns and what the tables,
JSON/CSV, HTML report and sweep store read. ``AccuracyResult`` is what
:func:`ppa_sim.simulate_accuracy` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ppa_sim.cost import Cost

#: Component categories of breakdowns, in display order.
CATEGORIES = ("array", "adc", "mux", "dac", "decoder", "shift_add", "accumulation",
              "buffer", "interconnect", "digital", "write", "leakage", "other")

ESTIMATE_SCHEMA = "ppa_sim.estimate/1"


@dataclass(frozen=True)
class LayerResult:
    """Per-layer figures of an estimate (per inference)."""

    name: str
    kind: str
    macs: int
    crossbars: int
    """Subarrays holding this layer's weights (including duplicates)."""
    pes: int
    tiles: float
    utilization: float
    """Fraction of the allocated subarrays' cells that hold weights."""
    duplication: int
    energy_pj: float
    latency_ns: float
    """Time this layer takes for one input (its pipeline stage time)."""
    energy_breakdown_pj: Mapping[str, float] = field(default_factory=dict)
    latency_breakdown_ns: Mapping[str, float] = field(default_factory=dict)
    events: Mapping[str, float] = field(default_factory=dict)
    """Event counts of the schedule (array_reads, adc_conversions, ...)."""


@dataclass(frozen=True)
class Estimate:
    """Cost of one network on one design, per inference."""

    network: str
    architecture: str
    node_nm: float
    device: str
    area_um2: float
    energy_pj: float
    """Energy per inference, dynamic + leakage."""
    latency_ns: float
    """Time from input to output of one inference."""
    cycle_ns: float
    """Time between successive inferences (pipeline period; = latency when layer-by-layer)."""
    macs: int
    utilization: float
    area_breakdown_um2: Mapping[str, float]
    energy_breakdown_pj: Mapping[str, float]
    latency_breakdown_ns: Mapping[str, float]
    latency_rule: str
    """How latency_breakdown adds up to latency (e.g. 'sum over layers of the critical path')."""
    tree: Cost
    layers: tuple[LayerResult, ...]
    tiles: int = 0
    leakage_energy_pj: float = 0.0
    design: Any = None
    """The :class:`~ppa_sim.spec.Design` evaluated (for reproducible reports)."""
    meta: Mapping[str, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------- derived totals
    @property
    def fps(self) -> float:
        return 1e9 / self.cycle_ns if self.cycle_ns > 0 else 0.0

    @property
    def ops(self) -> float:
        """Operations per inference (2 per MAC, the convention of NeuroSim and ISAAC)."""
        return 2.0 * self.macs

    @property
    def tops(self) -> float:
        return self.ops * self.fps / 1e12

    @property
    def tops_per_w(self) -> float:
        # ops / energy: (ops) / (energy_pj * 1e-12 J) / 1e12 = ops / energy_pj
        return self.ops / self.energy_pj if self.energy_pj > 0 else 0.0

    @property
    def area_mm2(self) -> float:
        return self.area_um2 * 1e-6

    @property
    def tops_per_mm2(self) -> float:
        return self.tops / self.area_mm2 if self.area_um2 > 0 else 0.0

    @property
    def power_w(self) -> float:
        return self.energy_pj * 1e-12 * self.fps

    def totals(self) -> dict[str, float]:
        return {
            "area_mm2": self.area_mm2,
            "energy_uj": self.energy_pj * 1e-6,
            "latency_us": self.latency_ns * 1e-3,
            "cycle_us": self.cycle_ns * 1e-3,
            "fps": self.fps,
            "macs": self.macs,
            "tops": self.tops,
            "tops_per_w": self.tops_per_w,
            "tops_per_mm2": self.tops_per_mm2,
            "power_w": self.power_w,
            "utilization": self.utilization,
            "tiles": self.tiles,
        }

    def to_json(self) -> dict[str, Any]:
        """The ``ppa_sim.estimate/1`` JSON object of DESIGN.md."""
        return {
            "schema": ESTIMATE_SCHEMA,
            "network": self.network,
            "architecture": self.architecture,
            "node_nm": self.node_nm,
            "device": self.device,
            "totals": self.totals(),
            "breakdown": {
                "area_mm2": {k: v * 1e-6 for k, v in self.area_breakdown_um2.items()},
                "energy_uj": {k: v * 1e-6 for k, v in self.energy_breakdown_pj.items()},
                "latency_us": {k: v * 1e-3 for k, v in self.latency_breakdown_ns.items()},
                "latency_rule": self.latency_rule,
            },
            "layers": [
                {"name": L.name, "kind": L.kind, "macs": L.macs, "crossbars": L.crossbars,
                 "pes": L.pes, "tiles": L.tiles, "utilization": L.utilization,
                 "duplication": L.duplication, "energy_uj": L.energy_pj * 1e-6,
                 "latency_us": L.latency_ns * 1e-3,
                 "energy_breakdown_uj": {k: v * 1e-6 for k, v in L.energy_breakdown_pj.items()}}
                for L in self.layers
            ],
            "meta": dict(self.meta),
        }


@dataclass(frozen=True)
class AccuracyResult:
    """Accuracy of a model on the hardware, over N simulated chip instances."""

    ideal_accuracy: float
    """Software (floating-point) accuracy of the unconverted model."""
    accuracies: tuple[float, ...]
    """Hardware accuracy of each simulated chip instance (seed)."""
    architecture: str = ""
    dataset: str = ""
    samples: int = 0
    activity: Mapping[str, Any] = field(default_factory=dict)
    """Per-layer measured activity (the estimator's ``--activity`` file contents)."""
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return sum(self.accuracies) / len(self.accuracies) if self.accuracies else float("nan")

    @property
    def std(self) -> float:
        n = len(self.accuracies)
        if n < 2:
            return 0.0
        m = self.mean
        return (sum((a - m) ** 2 for a in self.accuracies) / (n - 1)) ** 0.5

    def to_json(self) -> dict[str, Any]:
        return {"schema": "ppa_sim.accuracy/1", "architecture": self.architecture,
                "dataset": self.dataset, "samples": self.samples,
                "ideal_accuracy": self.ideal_accuracy, "mean": self.mean, "std": self.std,
                "accuracies": list(self.accuracies), "meta": dict(self.meta)}
