"""Result types of the cost path: action costs, component costs, the cost tree.

Results are frozen dataclasses (inputs are pydantic specs; never mixed).
Energies in pJ, latencies in ns, areas in µm², leakage in µW.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class ActionCost:
    """Cost of one action (event) of a component."""

    energy_pj: float
    latency_ns: float = 0.0

    def __add__(self, other: ActionCost) -> ActionCost:
        """Two actions in sequence: energies and latencies add."""
        return ActionCost(self.energy_pj + other.energy_pj, self.latency_ns + other.latency_ns)

    def scaled(self, n: float) -> ActionCost:
        """``n`` repeats of the action, serialised."""
        return ActionCost(self.energy_pj * n, self.latency_ns * n)


@dataclass(frozen=True)
class ComponentCost:
    """What a component model returns: its area, leakage and per-action costs."""

    area_um2: float
    leakage_uw: float = 0.0
    actions: Mapping[str, ActionCost] = field(default_factory=dict)
    info: Mapping[str, float] = field(default_factory=dict)
    """Model-specific figures worth reporting (e.g. ``width_um``, ``fom_fj_per_step``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", MappingProxyType(dict(self.actions)))
        object.__setattr__(self, "info", MappingProxyType(dict(self.info)))

    def action(self, name: str) -> ActionCost:
        try:
            return self.actions[name]
        except KeyError:
            raise KeyError(f"no action {name!r}; known: {sorted(self.actions)}") from None

    def energy_pj(self, name: str) -> float:
        return self.action(name).energy_pj

    def latency_ns(self, name: str) -> float:
        return self.action(name).latency_ns


@dataclass(frozen=True)
class Cost:
    """A node of the cost tree: chip > tile > PE > subarray > component.

    ``area_um2`` and ``energy_pj`` of an inner node are the sums over its
    children (computed by :meth:`node`), so any breakdown adds up. Latency is
    not a sum in general (parallel hardware); each node carries its own.
    """

    name: str
    area_um2: float = 0.0
    energy_pj: float = 0.0
    latency_ns: float = 0.0
    category: str = ""
    """Component category for breakdowns (array, adc, buffer, interconnect, ...)."""
    children: tuple[Cost, ...] = ()

    @staticmethod
    def node(name: str, children: list[Cost] | tuple[Cost, ...], *, latency_ns: float = 0.0,
             category: str = "") -> Cost:
        ch = tuple(children)
        return Cost(name=name, area_um2=sum(c.area_um2 for c in ch),
                    energy_pj=sum(c.energy_pj for c in ch), latency_ns=latency_ns,
                    category=category, children=ch)

    def walk(self, prefix: str = "") -> Iterator[tuple[str, Cost]]:
        path = f"{prefix}/{self.name}" if prefix else self.name
        yield path, self
        for c in self.children:
            yield from c.walk(path)

    def leaves(self) -> Iterator[Cost]:
        if not self.children:
            yield self
        for c in self.children:
            yield from c.leaves()

    def find(self, path: str) -> Cost:
        """Node at ``a/b/c`` below this one (names separated by '/')."""
        cur = self
        for part in [p for p in path.split("/") if p]:
            for c in cur.children:
                if c.name == part:
                    cur = c
                    break
            else:
                raise KeyError(f"{path!r}: no child {part!r} under {cur.name!r}; "
                               f"children: {[c.name for c in cur.children]}")
        return cur

    def by_category(self) -> dict[str, tuple[float, float]]:
        """(area_um2, energy_pj) summed over leaves per category."""
        out: dict[str, tuple[float, float]] = {}
        for leaf in self.leaves():
            a, e = out.get(leaf.category or leaf.name, (0.0, 0.0))
            out[leaf.category or leaf.name] = (a + leaf.area_um2, e + leaf.energy_pj)
        return out

    def rows(self, depth: int = 99) -> list[dict]:
        out = []
        for path, node in self.walk():
            if path.count("/") > depth:
                continue
            out.append({"path": path, "area_um2": node.area_um2, "energy_pj": node.energy_pj,
                        "latency_ns": node.latency_ns, "category": node.category})
        return out
