"""On-chip training simulation: SGD whose weight updates are device programming pulses.

In the spirit of DNN+NeuroSim V2.1 (Peng et al., "DNN+NeuroSim V2.0: An End-to-End
Benchmarking Framework for Compute-in-Memory Accelerators for On-chip Training",
IEEE TCAD 40(11), 2021; repository neurosim/DNN_NeuroSim_V2.1): every weight of a
conv/linear layer is one device between G_min and G_max with a reference at mid-scale
(NeuroSim V2.1's one-cell-per-synapse scheme), ``w = w_range (2 g - 1)`` with the
normalised conductance ``g`` in [0, 1]. The gradient and the momentum buffer are
computed digitally (floating point); the *update* is what the device does with it:

1. the desired change ``Δg = -lr v / (2 w_range)`` becomes ``n = round(|Δg| N)`` identical
   pulses (``N = update.pulses`` pulses take the device from G_min to G_max); an update
   smaller than half a step is lost (limited levels);
2. pulses move the device along its LTP (potentiation) or LTD (depression) curve
   (below), so the same pulse changes g by a state-dependent amount, and up and down
   steps differ (asymmetry: repeated up/down pulses drift g towards the point where
   the two curves' slopes match);
3. cycle-to-cycle variation: each pulse's step gets a Gaussian error of
   ``c2c_update_sigma`` x the nominal step ``1/N`` (independent pulses: σ sqrt(n)/N);
4. device-to-device variation: every device draws its own nonlinearity,
   ``NL_i = NL (1 + d2d_update_sigma ξ)``;
5. endurance: a device that has received ``endurance_cycles`` pulses stops changing
   (stuck at its last conductance).

Curves (the exponential model of NeuroSim, Chen, Peng & Yu, "NeuroSim: A circuit-level
macro model for benchmarking neuro-inspired architectures in online learning", IEEE
TCAD 37(12), 2018), with ``p`` the pulse count as a fraction of ``N``::

    LTP: g(p) = (1 - exp(-p / a)) / (1 - exp(-1 / a))          (rises fast, saturates)
    LTD: g(q) = 1 - (1 - exp(-q / a')) / (1 - exp(-1 / a'))    (falls fast from G_max)

The nonlinearity *label* NL of a device (the number quoted in device tables and in
NeuroSim's ``nonlinearityLTP/LTD``) maps to the normalised ``a``: NL equals 10.1 x the
largest gap between the normalised curve and the straight line (checked against
NeuroSim V2.1's Documents/Nonlinearity-NormA table: NL 0.5 -> a 2.52, 1 -> 1.25,
9 -> 0.023). NL = 0 is linear.

The forward and backward passes use the weights the devices hold (floating-point
arithmetic: this module studies the *update*; the crossbar read effects are the
subject of :mod:`ppa_sim.accuracy.training`). Biases and other parameters (batch norm)
stay digital and follow plain SGD with momentum.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ppa_sim.accuracy.training import _train_batches
from ppa_sim.errors import PpaSimError
from ppa_sim.spec import Design
from ppa_sim.spec.technology import UpdateSpec

#: NL label = NL_PER_MAX_GAP x max_p (g(p) - p) of the normalised LTP curve (fitted to the
#: DNN+NeuroSim V2.1 Nonlinearity-NormA table, see the module docstring)
NL_PER_MAX_GAP = 10.1

#: weight range of a layer = RANGE_FACTOR x max|W| of its initial weights (our choice: the
#: initial weights use half the conductance window, leaving room to grow; a keyword)
RANGE_FACTOR = 2.0


# ----------------------------------------------------------------------------- curves


def _max_gap(a: float) -> float:
    """max over p in [0, 1] of g(p) - p for the normalised LTP curve with parameter a."""
    den = -math.expm1(-1.0 / a)  # 1 - exp(-1/a)
    # g'(p) = exp(-p/a) / (a den) = 1  ->  p* = -a ln(a den)
    p = min(max(-a * math.log(a * den), 0.0), 1.0)
    return -math.expm1(-p / a) / den - p


def a_from_nonlinearity(nl: float) -> float:
    """Normalised curve parameter ``a`` of a nonlinearity label ``nl`` (inf for nl = 0)."""
    if nl < 0:
        raise ValueError(f"nonlinearity label must be >= 0, got {nl}")
    gap = nl / NL_PER_MAX_GAP
    if gap <= 0:
        return math.inf
    if gap >= 0.999:
        raise ValueError(f"nonlinearity label {nl} out of range (< {NL_PER_MAX_GAP})")
    lo, hi = 1e-4, 1e6  # _max_gap falls monotonically with a
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if _max_gap(mid) > gap:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def _a_table() -> tuple[np.ndarray, np.ndarray]:
    nls = np.linspace(0.0, 9.5, 191)
    return nls, np.array([a_from_nonlinearity(x) if x > 0 else np.inf for x in nls])


def ltp(p: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Normalised conductance after a fraction ``p`` of the full pulse train (LTP)."""
    lin = torch.isinf(a)
    a_ = torch.where(lin, torch.ones_like(a), a)
    g = torch.expm1(-p / a_) / torch.expm1(-1.0 / a_)
    return torch.where(lin, p, g)


def ltp_inverse(g: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    lin = torch.isinf(a)
    a_ = torch.where(lin, torch.ones_like(a), a)
    p = -a_ * torch.log1p(g * torch.expm1(-1.0 / a_))
    return torch.where(lin, g, p)


def ltd(q: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Normalised conductance after a fraction ``q`` of the full depression train from 1."""
    return 1.0 - ltp(q, a)


def ltd_inverse(g: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    return ltp_inverse(1.0 - g, a)


# ----------------------------------------------------------------------------- devices


class DeviceArray:
    """The devices of one weight tensor: conductances, curve parameters, pulse counts."""

    def __init__(self, weight: torch.Tensor, update: UpdateSpec, *, w_range: float,
                 gen: torch.Generator) -> None:
        self.update = update
        self.n = int(update.pulses)
        self.w_range = float(w_range)
        shape = weight.shape
        dt = torch.float64
        nls, a_tab = _a_table()

        def a_of(nl: float) -> torch.Tensor:
            if update.d2d_update_sigma > 0 and nl > 0:
                nl_i = nl * (1 + update.d2d_update_sigma * torch.randn(shape, generator=gen,
                                                                       dtype=dt))
                nl_i = nl_i.clamp(0.0, float(nls[-1])).numpy()
                with np.errstate(divide="ignore"):
                    # interpolate log(a) over the label; label 0 -> linear
                    la = np.interp(nl_i, nls[1:], np.log(a_tab[1:]))
                a = np.where(nl_i <= 1e-6, np.inf, np.exp(la))
                return torch.from_numpy(a)
            return torch.full(shape, a_from_nonlinearity(nl), dtype=dt)

        self.a_ltp = a_of(update.nonlinearity_ltp)
        self.a_ltd = a_of(update.nonlinearity_ltd)
        self.pulses = torch.zeros(shape, dtype=dt)
        self.c2c = update.c2c_update_sigma
        self.endurance = float(update.endurance_cycles)
        # initial programming (program-and-verify) to the nearest LTP state
        g0 = ((weight.detach().to(dt) / self.w_range) + 1.0) / 2.0
        p0 = torch.round(ltp_inverse(g0.clamp(0.0, 1.0), self.a_ltp) * self.n) / self.n
        self.g = ltp(p0, self.a_ltp)

    @property
    def weight(self) -> torch.Tensor:
        return self.w_range * (2.0 * self.g - 1.0)

    @property
    def dead(self) -> torch.Tensor:
        return self.pulses >= self.endurance

    def apply(self, dw: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """Apply the desired weight change ``dw`` as pulses; returns pulses per device."""
        dg = dw.to(torch.float64) / (2.0 * self.w_range)
        n = torch.round(dg.abs() * self.n)
        n = torch.where(self.dead, torch.zeros_like(n), n)
        if self.endurance < math.inf:  # the last pulses a device can still take
            n = torch.minimum(n, (self.endurance - self.pulses).clamp_min(0.0))
        up = (dg > 0) & (n > 0)
        down = (dg < 0) & (n > 0)
        frac = n / self.n
        g = self.g
        g_up = ltp((ltp_inverse(g, self.a_ltp) + frac).clamp(max=1.0), self.a_ltp)
        g_dn = ltd((ltd_inverse(g, self.a_ltd) + frac).clamp(max=1.0), self.a_ltd)
        new = torch.where(up, g_up, torch.where(down, g_dn, g))
        if self.c2c > 0:
            noise = torch.randn(g.shape, generator=gen, dtype=torch.float64)
            new = new + (n > 0) * self.c2c * torch.sqrt(n) / self.n * noise
        self.g = new.clamp(0.0, 1.0)
        self.pulses += n
        return n


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class OnChipEpoch:
    epoch: int
    loss: float
    train_accuracy: float
    test_accuracy: float | None
    seconds: float


@dataclass(frozen=True)
class UpdateStats:
    """Programming activity of on-chip training (feeds :mod:`ppa_sim.training_cost`)."""

    devices: int
    """Devices (weights on crossbars) being trained."""
    updates: int
    """Weight-update events (optimizer steps)."""
    total_pulses: float
    pulses_per_device_update: float
    """Mean pulses one device receives per update event (0 for a device left alone)."""
    updated_fraction: float
    """Mean fraction of devices receiving at least one pulse per update."""
    max_pulses_per_update: float
    """Largest pulse count one device received in one update."""
    dead_devices: int
    """Devices past their endurance at the end."""

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class OnChipResult:
    model: nn.Module
    """A copy of the input model holding the weights the devices ended with."""
    history: tuple[OnChipEpoch, ...]
    stats: UpdateStats
    update: UpdateSpec
    meta: Mapping[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- training


@torch.no_grad()
def _accuracy(model: nn.Module, data: Any) -> float:
    if isinstance(data, str):
        from ppa_sim.accuracy.data import dataset_split

        x, y = dataset_split(data, "test").tensors
        batches = [(x, y)]
    elif isinstance(data, tuple):
        batches = [data]
    else:
        batches = list(data)
    model.eval()
    c = t = 0
    for x, y in batches:
        c += int((model(x).argmax(-1) == y).sum())
        t += int(y.numel())
    return c / t if t else float("nan")


def train_on_chip(model: nn.Module, data: Any, design: Design, *, epochs: int = 5,
                  lr: float = 0.05, momentum: float = 0.9, weight_decay: float = 0.0,
                  batch_size: int = 64, update: UpdateSpec | Mapping[str, Any] | None = None,
                  range_factor: float = RANGE_FACTOR,
                  gradient_scaling: Literal["none", "max"] = "none",
                  digital: Iterable[str] = (),
                  test_data: Any = None, seed: int = 0, progress: bool = True
                  ) -> OnChipResult:
    """Train ``model`` with SGD (+momentum) whose conv/linear weight updates are applied
    as pulses to devices following ``update`` (default: the design device's ``update:``).

    ``update`` may be an :class:`UpdateSpec` or a dict of its fields (a dict updates the
    device's own parameters, e.g. ``{'nonlinearity_ltp': 0}``). ``digital`` names layers
    whose weights stay digital (floating-point SGD). ``test_data`` (a data set name, a
    tensor pair or batches) is evaluated after every epoch.

    ``gradient_scaling``: ``'none'`` applies ``-lr x velocity`` (plain SGD with momentum);
    ``'max'`` is DNN+NeuroSim V2.1's WAGE-style update (utee/wage_quantizer.QG): each
    layer's velocity is divided by the power of two nearest its largest entry, so the
    largest change is ``lr`` x the half conductance window (``lr x N / 2`` pulses) whatever
    the gradient's scale -- the way a device with few levels (32) can be trained at all.
    """
    if gradient_scaling not in ("none", "max"):
        raise PpaSimError(f"gradient_scaling must be 'none' or 'max', got {gradient_scaling!r}")
    base = design.tech.device.update
    if isinstance(update, UpdateSpec):
        upd = update
    else:
        if base is None and not (isinstance(update, Mapping) and "pulses" in update):
            raise PpaSimError(
                f"device {design.tech.device.name!r} has no 'update:' parameters; give "
                f"update=UpdateSpec(...) or add them to the device YAML")
        fields = ({} if base is None else base.model_dump()) | dict(update or {})
        try:
            upd = UpdateSpec(**fields)
        except Exception as e:  # pydantic ValidationError -> user error
            raise PpaSimError(f"invalid update parameters: {e}") from None
    if range_factor <= 0:
        raise PpaSimError(f"range_factor must be > 0, got {range_factor}")
    net = copy.deepcopy(model)
    skip = set(digital)
    gen = torch.Generator().manual_seed(int(seed))
    arrays: dict[str, tuple[nn.Parameter, DeviceArray]] = {}
    for name, m in net.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and name not in skip:
            wmax = float(m.weight.detach().abs().max())
            if wmax <= 0:
                raise PpaSimError(f"{name}: all-zero initial weights give no weight range")
            arr = DeviceArray(m.weight, upd, w_range=range_factor * wmax, gen=gen)
            with torch.no_grad():
                m.weight.copy_(arr.weight.to(m.weight.dtype))
            arrays[name] = (m.weight, arr)
    if not arrays:
        raise PpaSimError("no conv/linear layer to train on chip")
    analog = {id(p) for p, _ in arrays.values()}
    digital_params = [p for p in net.parameters() if id(p) not in analog]
    opt = (torch.optim.SGD(digital_params, lr=lr, momentum=momentum,
                           weight_decay=weight_decay) if digital_params else None)
    velocity = {n: torch.zeros_like(p) for n, (p, _) in arrays.items()}
    epoch_batches = _train_batches(data, batch_size, gen)
    loss_fn = nn.CrossEntropyLoss()
    history: list[OnChipEpoch] = []
    updates = 0
    pulses_total = 0.0
    updated_sum = 0.0
    max_pulses = 0.0
    devices = sum(a.g.numel() for _, a in arrays.values())
    for epoch in range(epochs):
        net.train()
        t0 = time.perf_counter()
        tot, correct, seen = 0.0, 0, 0
        batches = epoch_batches()
        with tqdm(batches, desc=f"on-chip epoch {epoch + 1}/{epochs}", unit="batch",
                  disable=not progress, leave=False) as bar:
            for x, y in bar:
                if opt is not None:
                    opt.zero_grad(set_to_none=True)
                for p, _ in arrays.values():
                    p.grad = None
                out = net(x)
                loss = loss_fn(out, y)
                if not math.isfinite(float(loss.detach())):
                    raise PpaSimError(f"on-chip training diverged at epoch {epoch + 1}; "
                                      f"lower the learning rate")
                loss.backward()
                if opt is not None:
                    opt.step()
                n_upd = 0.0
                with torch.no_grad():
                    for name, (p, arr) in arrays.items():
                        g = p.grad if p.grad is not None else torch.zeros_like(p)
                        if weight_decay:
                            g = g + weight_decay * p
                        v = velocity[name].mul_(momentum).add_(g)
                        step = -lr * v
                        if gradient_scaling == "max":
                            vmax = float(v.abs().max())
                            if vmax > 0:  # largest entry -> lr x w_range (half the window)
                                step = step * (arr.w_range / 2.0 ** round(math.log2(vmax)))
                        n = arr.apply(step, gen)
                        p.copy_(arr.weight.to(p.dtype))
                        pulses_total += float(n.sum())
                        n_upd += float((n > 0).sum())
                        max_pulses = max(max_pulses, float(n.max()))
                updated_sum += n_upd / devices
                updates += 1
                k = int(y.numel())
                tot += float(loss.detach()) * k
                correct += int((out.argmax(-1) == y).sum())
                seen += k
                bar.set_postfix(loss=f"{tot / seen:.4f}")
        test_acc = _accuracy(net, test_data) if test_data is not None else None
        history.append(OnChipEpoch(epoch + 1, tot / seen, correct / seen, test_acc,
                                   time.perf_counter() - t0))
    stats = UpdateStats(
        devices=devices, updates=updates, total_pulses=pulses_total,
        pulses_per_device_update=pulses_total / (devices * updates) if updates else 0.0,
        updated_fraction=updated_sum / updates if updates else 0.0,
        max_pulses_per_update=max_pulses,
        dead_devices=int(sum(int(a.dead.sum()) for _, a in arrays.values())))
    return OnChipResult(model=net.eval(), history=tuple(history), stats=stats, update=upd,
                        meta={"architecture": design.arch.name,
                              "device": design.tech.device.name, "lr": lr,
                              "momentum": momentum, "range_factor": range_factor,
                              "gradient_scaling": gradient_scaling,
                              "seed": seed})


__all__ = ["DeviceArray", "OnChipEpoch", "OnChipResult", "UpdateStats", "a_from_nonlinearity",
           "ltd", "ltd_inverse", "ltp", "ltp_inverse", "train_on_chip"]
