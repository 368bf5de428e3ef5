"""Cost of on-chip training: energy and latency per training image and per epoch.

``training_cost(design, network, estimate)`` takes the *inference* estimate of
the same design (:func:`ppa_sim.rollup.estimate_design` with ``training=False``)
and adds what one training image costs on top of its forward pass, with the
phase split of DNN+NeuroSim V2.1 (its ``NeuroSim_Output.csv`` columns forward,
activation gradient, weight gradient, weight update; Peng et al., "DNN+NeuroSim
V2.0", IEEE TCAD 40(11), 2021):

forward
    the inference estimate (every layer, digital layers and leakage included).
backward (activation gradient)
    the error of every weight layer but the first is computed on the same
    crossbars read in the transposed direction (rows driven by the error,
    columns sensed; NeuroSim V2's transposed read with periphery on both array
    edges): one transposed read per forward read, so the same array, ADC, mux,
    shift-add, accumulation, buffer and bus events as that layer's forward pass
    (its dynamic energy and its stage time again). Pooling/ReLU derivatives cost
    the forward digital-layer energy once more (one operation per element).
weight gradient
    dW = sum over output positions of (error x input): ``layer.macs`` MACs per
    image per weight layer on the chip's digital MAC lanes (``mac_unit`` of
    max(activation, error) bits), ``macs_per_cycle`` lanes
    (default ``chip.digital_macs_per_cycle``).
weight update (once per ``mapping.training_batch_size`` images, amortised)
    every programmed cell of every weight layer copy (duplicates included) gets
    ``pulses_per_cell`` write pulses on average (device ``write_energy_pj`` each),
    rows are written one after another in every subarray (subarrays in
    parallel), each row in two phases (potentiation pulses, then depression
    pulses, NeuroSim V2's two-phase row write), each phase ``max_pulses`` pulse
    slots of ``write_pulse_ns`` with the word/bit lines charged at the write
    voltage (the array model's ``write_row`` line energy); the momentum update
    (v = μ v + g, Δw = -lr v: 2 MACs per weight) and its buffer traffic.
extra buffers
    what inference does not need: each layer's input activations kept for the
    weight gradient (written in the forward pass, read back once), the error
    vectors (written once, read by the transposed read and by the weight
    gradient), the per-weight gradient accumulator (read-modify-write every
    image) and the momentum buffer; sized for one image in flight and built from
    copies of the chip's global buffer (``buffer`` model) placed next to the tiles,
    so one access costs one global-buffer access.
leakage
    the chip's leakage power (from the inference estimate) over the training
    image's whole latency.

How many pulses the update needs depends on the training run: pass
``update=UpdateStats`` measured by :func:`ppa_sim.accuracy.onchip.train_on_chip`
(or an :class:`UpdateActivity`); without it every cell is assumed to receive one
pulse per batch update (see :class:`UpdateActivity`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ppa_sim.components import get as get_model
from ppa_sim.errors import PpaSimError
from ppa_sim.mapping.planner import plan
from ppa_sim.network.layer import Network
from ppa_sim.results import Estimate
from ppa_sim.spec import Design
from ppa_sim.spec.architecture import BufferSpec

SCHEMA = "ppa_sim.training_cost/1"

PHASES = ("forward", "backward", "weight_gradient", "weight_update", "buffers", "leakage")

#: error (activation-gradient) and weight-gradient precisions: DNN+NeuroSim V2.1
#: Training_pytorch/train.py wl_error = 8 and wl_grad = 5 (= cellBit, one cell per synapse)
ERROR_BITS = 8
GRAD_BITS = 5
#: momentum buffer word (our assumption: 16-bit fixed point; NeuroSim V2.1 keeps the
#: velocity in floating point in its Python wrapper and does not cost it)
MOMENTUM_BITS = 16
#: training images per epoch: CIFAR-10's training set (Krizhevsky, "Learning multiple layers
#: of features from tiny images", 2009: 50,000 training images), the V2.1 benchmark
IMAGES_PER_EPOCH = 50_000
#: write phases per row update: potentiation, then depression (DNN+NeuroSim V2 row write)
WRITE_PHASES = 2


@dataclass(frozen=True)
class UpdateActivity:
    """How much programming one batch update does (per cell, on average).

    The defaults are an assumption for when no training trace is given: every cell
    is pulsed once per update (NeuroSim V2.1 rounds lr x gradient to whole pulses of
    a 32-level device, and most updates are 0 or ±1 pulse), and one pulse slot per
    write phase. Use :func:`ppa_sim.accuracy.onchip.train_on_chip`'s ``stats`` for
    measured figures.
    """

    pulses_per_cell: float = 1.0
    """Mean pulses per cell per update (cells left alone count as 0)."""
    max_pulses: float = 1.0
    """Pulse slots per write phase of a row (the largest pulse count in the row)."""
    source: str = "assumed: one pulse per cell per update"

    @classmethod
    def from_stats(cls, stats: Any) -> UpdateActivity:
        """From :class:`ppa_sim.accuracy.onchip.UpdateStats` (measured)."""
        return cls(pulses_per_cell=float(stats.pulses_per_device_update),
                   max_pulses=max(1.0, float(stats.max_pulses_per_update)),
                   source="measured by on-chip training simulation")


@dataclass(frozen=True)
class LayerTrainingCost:
    """Per-image training energy (pJ) and time (ns) of one weight layer, by phase."""

    name: str
    energy_pj: Mapping[str, float]
    latency_ns: Mapping[str, float]
    cells: int
    """Programmed cells of all copies (rewritten every update)."""


@dataclass(frozen=True)
class TrainingCost:
    """Energy and latency of on-chip training, per image and per epoch."""

    network: str
    architecture: str
    device: str
    batch_size: int
    images_per_epoch: int
    energy_pj: Mapping[str, float]
    """Per training image, by phase (keys: :data:`PHASES`)."""
    latency_ns: Mapping[str, float]
    """Per training image, by phase (phases run one after another; update amortised)."""
    layers: tuple[LayerTrainingCost, ...]
    buffer_capacity_kb: float
    """Extra buffer capacity training needs (activations, errors, gradients, momentum)."""
    buffer_area_um2: float
    update: UpdateActivity
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def energy_per_image_pj(self) -> float:
        return sum(self.energy_pj.values())

    @property
    def latency_per_image_ns(self) -> float:
        return sum(self.latency_ns.values())

    @property
    def energy_per_epoch_j(self) -> float:
        return self.energy_per_image_pj * 1e-12 * self.images_per_epoch

    @property
    def latency_per_epoch_s(self) -> float:
        return self.latency_per_image_ns * 1e-9 * self.images_per_epoch

    @property
    def update_share(self) -> float:
        """Fraction of the training energy spent programming weights."""
        tot = self.energy_per_image_pj
        return self.energy_pj.get("weight_update", 0.0) / tot if tot else 0.0

    def to_json(self) -> dict[str, Any]:
        n = self.images_per_epoch
        return {
            "schema": SCHEMA, "network": self.network, "architecture": self.architecture,
            "device": self.device, "batch_size": self.batch_size, "images_per_epoch": n,
            "per_image": {"energy_uj": self.energy_per_image_pj * 1e-6,
                          "latency_us": self.latency_per_image_ns * 1e-3,
                          "energy_uj_by_phase": {k: v * 1e-6 for k, v in self.energy_pj.items()},
                          "latency_us_by_phase": {k: v * 1e-3
                                                  for k, v in self.latency_ns.items()}},
            "per_epoch": {"energy_j": self.energy_per_epoch_j,
                          "latency_s": self.latency_per_epoch_s,
                          "energy_j_by_phase": {k: v * 1e-12 * n
                                                for k, v in self.energy_pj.items()},
                          "latency_s_by_phase": {k: v * 1e-9 * n
                                                 for k, v in self.latency_ns.items()}},
            "buffer_capacity_kb": self.buffer_capacity_kb,
            "buffer_area_mm2": self.buffer_area_um2 * 1e-6,
            "update": {"pulses_per_cell": self.update.pulses_per_cell,
                       "max_pulses": self.update.max_pulses, "source": self.update.source},
            "layers": [{"name": L.name, "cells": L.cells,
                        "energy_uj": {k: v * 1e-6 for k, v in L.energy_pj.items()},
                        "latency_us": {k: v * 1e-3 for k, v in L.latency_ns.items()}}
                       for L in self.layers],
            "meta": dict(self.meta),
        }


def _e(c: Any, action: str) -> float:
    return c.actions[action].energy_pj if c is not None and action in c.actions else 0.0


def _t(c: Any, action: str) -> float:
    return c.actions[action].latency_ns if c is not None and action in c.actions else 0.0


def training_cost(design: Design, network: Network, estimate: Estimate, *,
                  update: UpdateActivity | Any = None, batch_size: int | None = None,
                  images_per_epoch: int = IMAGES_PER_EPOCH, error_bits: int = ERROR_BITS,
                  grad_bits: int = GRAD_BITS, momentum_bits: int = MOMENTUM_BITS,
                  macs_per_cycle: int | None = None) -> TrainingCost:
    """Per-image and per-epoch training cost of ``network`` on ``design`` (see module doc).

    ``estimate`` must be the inference estimate of the same design and network.
    ``update``: an :class:`UpdateActivity`, or ``UpdateStats`` from on-chip training.
    ``batch_size``: images per weight update (default ``mapping.training_batch_size``).
    """
    if estimate.meta.get("training"):
        raise PpaSimError("training_cost needs the inference estimate (training=False)")
    if estimate.network != network.name:
        raise PpaSimError(f"estimate is for network {estimate.network!r}, not {network.name!r}")
    if images_per_epoch < 1:
        raise PpaSimError(f"images_per_epoch must be >= 1, got {images_per_epoch}")
    for nm, v in (("error_bits", error_bits), ("grad_bits", grad_bits),
                  ("momentum_bits", momentum_bits)):
        if v < 1:
            raise PpaSimError(f"{nm} must be >= 1, got {v}")
    if update is None:
        act = UpdateActivity()
    elif isinstance(update, UpdateActivity):
        act = update
    else:
        act = UpdateActivity.from_stats(update)
    if act.pulses_per_cell < 0 or act.max_pulses < 0:
        raise PpaSimError("update pulses must be >= 0")
    arch, tech = design.arch, design.tech
    dev, node, sub = tech.device, tech.node, arch.subarray
    batch = arch.mapping.training_batch_size if batch_size is None else int(batch_size)
    if batch < 1:
        raise PpaSimError(f"batch_size must be >= 1, got {batch}")
    lanes = arch.chip.digital_macs_per_cycle if macs_per_cycle is None else int(macs_per_cycle)
    if lanes < 1:
        raise PpaSimError(f"macs_per_cycle must be >= 1, got {lanes}")
    cal = arch.calibration
    toggle = arch.activity.output_toggle
    act_bits = sub.dac.bits
    clock_ns = float(estimate.meta.get("clock_ns", 1e3 / arch.chip.clock_mhz))

    pl = plan(network, design)
    lres = {r.name: r for r in estimate.layers}
    arr = get_model("array", sub.cell.type)(sub, tech, activity=arch.activity,
                                            calibration=cal)
    mac = get_model("digital", "mac_unit")(max(act_bits, error_bits), node,
                                           calibration=cal, toggle=toggle)
    k_digital = cal.digital_energy_factor
    e_mac = _e(mac, "mac") * k_digital
    t_mac = max(clock_ns, _t(mac, "mac"))
    # write energy: per pulse slot of one row, lines (and half-select) vs the cells' own
    e_row_pulse = _e(arr, "write_row") / dev.write_pulses_per_level
    e_lines = max(0.0, e_row_pulse - sub.cols * dev.write_energy_pj)

    cross = [m for m in pl.layers if m.is_crossbar]
    if not cross:
        raise PpaSimError(f"{network.name}: no layer runs on the crossbars; nothing to train "
                          f"on chip")
    first = cross[0]
    gacc_bits = grad_bits + max(1, math.ceil(math.log2(batch)))  # sums of `batch` gradients

    # ---- extra buffer: capacity (one image in flight) and traffic per image
    weights_total = sum(m.layer.weights for m in cross)
    act_store_bits = sum(m.layer.in_elements * act_bits for m in cross)
    err_bits_max = max(m.layer.out_elements for m in cross) * error_bits
    cap_bits = (act_store_bits + 2 * err_bits_max + weights_total * (gacc_bits + momentum_bits))
    cap_kb = cap_bits / 8 / 1024
    # distributed over the chip as copies of the global buffer (each next to the tiles it
    # serves), so an access costs what a global-buffer access costs, not a giant SRAM's
    glb = arch.chip.global_buffer
    bspec = BufferSpec(kind=glb.kind, capacity_kb=glb.capacity_kb, width_bits=glb.width_bits,
                       banks=glb.banks)
    buf = get_model("buffer", bspec.kind)(bspec, node, calibration=cal, toggle=toggle)
    n_buf = max(1, math.ceil(cap_kb / glb.capacity_kb))
    e_rd_bit = _e(buf, "read") / bspec.width_bits
    e_wr_bit = _e(buf, "write") / bspec.width_bits

    layers: list[LayerTrainingCost] = []
    tot_e = dict.fromkeys(PHASES, 0.0)
    tot_t = dict.fromkeys(PHASES, 0.0)
    update_batch_ns = 0.0
    for m in cross:
        lay, p = m.layer, m.partition
        assert p is not None
        r = lres.get(m.name)
        if r is None:
            raise PpaSimError(f"estimate has no layer {m.name!r}: not the same network")
        e_dyn = sum(v for k, v in r.energy_breakdown_pj.items() if k != "leakage")
        e: dict[str, float] = {}
        t: dict[str, float] = {}
        # backward: the transposed read of every layer but the first
        e["backward"] = 0.0 if m is first else e_dyn
        t["backward"] = 0.0 if m is first else r.latency_ns
        # weight gradient: error x input MACs on the digital lanes
        e["weight_gradient"] = lay.macs * e_mac
        t["weight_gradient"] = math.ceil(lay.macs / lanes) * t_mac
        # extra buffer traffic per image
        err_reads = 1 if m is first else 2
        e["buffers"] = (lay.in_elements * act_bits * (e_wr_bit + e_rd_bit)
                        + lay.out_elements * error_bits * (e_wr_bit + err_reads * e_rd_bit)
                        + lay.weights * gacc_bits * (e_rd_bit + e_wr_bit))
        t["buffers"] = 0.0  # overlapped with the MACs that consume/produce the data
        # weight update, per batch
        cells = p.used_cells * m.duplication
        rows = sum(p.row_tiles) * p.n_col_tiles * p.group_blocks * m.duplication
        e_upd_batch = (cells * act.pulses_per_cell * dev.write_energy_pj
                       + rows * WRITE_PHASES * act.max_pulses * e_lines
                       + lay.weights * (2 * e_mac + (gacc_bits + 2 * momentum_bits) * e_rd_bit
                                        + momentum_bits * e_wr_bit))
        t_upd_batch = (p.max_rows_used * WRITE_PHASES * act.max_pulses * dev.write_pulse_ns
                       + math.ceil(2 * lay.weights / lanes) * t_mac)
        update_batch_ns = max(update_batch_ns, t_upd_batch)  # layers update in parallel
        e["weight_update"] = e_upd_batch / batch
        t["weight_update"] = t_upd_batch / batch
        e["forward"] = r.energy_pj
        t["forward"] = r.latency_ns
        layers.append(LayerTrainingCost(name=m.name, energy_pj=e, latency_ns=t, cells=cells))
        for k in ("backward", "weight_gradient", "buffers", "weight_update"):
            tot_e[k] += e[k]
        for k in ("backward", "weight_gradient"):
            tot_t[k] += t[k]
    # digital layers' derivative (ReLU mask, pooling routing): their forward energy again
    xnames = {m.name for m in cross}
    tot_e["backward"] += sum(r.energy_pj for r in estimate.layers if r.name not in xnames)
    tot_t["weight_update"] = update_batch_ns / batch
    tot_e["forward"] = estimate.energy_pj - estimate.leakage_energy_pj
    tot_t["forward"] = estimate.latency_ns
    # leakage: the inference's leakage power over the whole training image
    run_ns = estimate.cycle_ns if estimate.meta.get("execution") == "pipelined" \
        else estimate.latency_ns
    leak_mw = estimate.leakage_energy_pj / run_ns if run_ns > 0 else 0.0  # pJ/ns = mW
    tot_e["leakage"] = leak_mw * sum(tot_t.values())
    return TrainingCost(
        network=network.name, architecture=arch.name, device=dev.name, batch_size=batch,
        images_per_epoch=images_per_epoch, energy_pj=tot_e, latency_ns=tot_t,
        layers=tuple(layers), buffer_capacity_kb=cap_kb, buffer_area_um2=n_buf * buf.area_um2,
        update=act,
        meta={"error_bits": error_bits, "grad_bits": grad_bits,
              "grad_accumulator_bits": gacc_bits, "momentum_bits": momentum_bits,
              "act_bits": act_bits, "macs_per_cycle": lanes, "buffer_banks": n_buf,
              "write_phases": WRITE_PHASES,
              "write_pulse_ns": dev.write_pulse_ns, "write_energy_pj": dev.write_energy_pj,
              "rule": "per image: phases run one after another; the weight update runs once "
                      "per batch (subarrays in parallel, rows in sequence) and is divided "
                      "by the batch size; per epoch = per image x images_per_epoch"})


def render_training_cost(tc: TrainingCost | Mapping[str, Any]) -> str:
    """Tables (tabulate) of a training cost or of its ``to_json()`` dict."""
    from tabulate import tabulate

    d = tc.to_json() if isinstance(tc, TrainingCost) else dict(tc)
    pi, pe = d["per_image"], d["per_epoch"]
    e_tot = pi["energy_uj"] or 1.0
    rows = []
    for k in PHASES:
        eu = pi["energy_uj_by_phase"].get(k, 0.0)
        rows.append((k.replace("_", " "), f"{eu:.4g}", f"{100 * eu / e_tot:.1f}",
                     f"{pi['latency_us_by_phase'].get(k, 0.0):.4g}",
                     f"{pe['energy_j_by_phase'].get(k, 0.0):.4g}",
                     f"{pe['latency_s_by_phase'].get(k, 0.0):.4g}"))
    rows.append(("total", f"{pi['energy_uj']:.4g}", "100.0", f"{pi['latency_us']:.4g}",
                 f"{pe['energy_j']:.4g}", f"{pe['latency_s']:.4g}"))
    head = (f"on-chip training: {d['network']} on {d['architecture']} ({d['device']}), "
            f"batch {d['batch_size']}, {d['images_per_epoch']} images/epoch\n")
    table = tabulate(rows, headers=["phase", "energy/image (µJ)", "%", "latency/image (µs)",
                                    "energy/epoch (J)", "latency/epoch (s)"],
                     disable_numparse=True)
    up = d["update"]
    foot = (f"\nextra training buffer: {d['buffer_capacity_kb']:.4g} KB "
            f"({d['buffer_area_mm2']:.4g} mm²); weight update: "
            f"{up['pulses_per_cell']:.3g} pulses/cell, {up['max_pulses']:.3g} pulse slots/phase "
            f"({up['source']})\n")
    return head + table + foot


__all__ = ["IMAGES_PER_EPOCH", "PHASES", "LayerTrainingCost", "TrainingCost", "UpdateActivity",
           "render_training_cost", "training_cost"]
