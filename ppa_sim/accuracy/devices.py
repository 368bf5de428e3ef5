"""Device models of the accuracy path: levels -> conductances of one simulated chip.

All conductances are *normalised* to the nominal ON conductance G_on = 1/R_on,
so the nominal OFF conductance is ``g_off = R_on / R_off`` and a cell holding
level ``d`` of ``L`` levels nominally conducts ``g_off + d/(L-1) (1 - g_off)``
(levels equally spaced in conductance, the convention of DNN+NeuroSim and of
the survey set-up of Peng et al., "DNN+NeuroSim V2.0", TCAD 2020, where the
weight is linear in conductance between G_off and G_on).

Effects, each drawn from an explicit ``torch.Generator``:

* device-to-device variation: every cell draws its own R_on and R_off from
  normal distributions N(r_on_ohm, sigma_r_on_ohm) and N(r_off_ohm,
  sigma_r_off_ohm) (the survey set-up: means 10 kΩ / 100 kΩ, σ 1 kΩ / 10 kΩ);
  the level then sits linearly between that cell's own G_off and G_on.
  Draws are truncated at 1 % of the mean (a normal tail below zero resistance
  has no physical meaning; at σ/µ = 0.1 it is 1e-23 likely).
* stuck-at faults: a cell is stuck at its own G_on with probability
  ``stuck_at_on_rate`` and at its own G_off with ``stuck_at_off_rate``.
* drift (PCM): G(t) = G(t0) (t/t0)^-ν with ν ~ N(drift_nu, drift_nu_sigma) per
  cell, truncated at 0 (Ielmini et al., IEEE TED 54(2) 2007; the same power law
  as aihwkit's PCM model, Nandakumar et al., JAP 124 (2018)).
* read noise: relative σ ``c2c_read_noise`` on every read, a multiplicative
  Gaussian on each cell's conductance, drawn anew for every chunk of reads (the
  samples of one chunk share a draw: each sample's marginal noise is exact, only
  the correlation between samples of a chunk is not modelled).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ppa_sim.spec import DeviceSpec

#: draws of R_on/R_off are truncated at this fraction of their mean (see module doc)
_MIN_R_FRACTION = 0.01


@dataclass(frozen=True)
class ProgrammedCells:
    """Conductances of one layer's cells on one chip (normalised to nominal G_on)."""

    g: torch.Tensor
    """Conductance at read time (variation, faults and drift applied), float64."""
    g_programmed: torch.Tensor
    """Conductance right after programming (t = t0): variation and faults only, float64."""


def nominal_g_off(device: DeviceSpec) -> float:
    """OFF conductance relative to ON: R_on / R_off."""
    return device.r_on_ohm / device.r_off_ohm


def program(levels: torch.Tensor, n_levels: int, device: DeviceSpec, *, mask: torch.Tensor,
            variation: bool, faults: bool, drift_time_s: float | None,
            generator: torch.Generator) -> ProgrammedCells:
    """Conductances of cells programmed to ``levels`` (0..n_levels-1, may be fractional).

    ``mask`` is 1 where a physical cell exists (0 = padding, conductance 0).
    """
    dtype = torch.float64
    lv = levels.to(dtype)
    frac = lv / (n_levels - 1)
    shape = lv.shape
    g_on: torch.Tensor | float = 1.0  # normalised: nominal G_on = 1
    g_off: torch.Tensor | float = device.r_on_ohm / device.r_off_ohm
    if variation and (device.sigma_r_on_ohm > 0 or device.sigma_r_off_ohm > 0):
        r_on = device.r_on_ohm + device.sigma_r_on_ohm * torch.randn(
            shape, generator=generator, dtype=dtype)
        r_off = device.r_off_ohm + device.sigma_r_off_ohm * torch.randn(
            shape, generator=generator, dtype=dtype)
        g_on = device.r_on_ohm / r_on.clamp_min_(_MIN_R_FRACTION * device.r_on_ohm)
        g_off = device.r_on_ohm / r_off.clamp_min_(_MIN_R_FRACTION * device.r_off_ohm)
    if faults and (device.stuck_at_on_rate > 0 or device.stuck_at_off_rate > 0):
        u = torch.rand(shape, generator=generator, dtype=dtype)
        frac = torch.where(u < device.stuck_at_on_rate, torch.ones_like(frac), frac)
        stuck_off = (u >= device.stuck_at_on_rate) & (
            u < device.stuck_at_on_rate + device.stuck_at_off_rate)
        frac = torch.where(stuck_off, torch.zeros_like(frac), frac)
    g0 = (frac * (g_on - g_off) + g_off) * mask.to(dtype)
    g = g0
    if drift_time_s is not None and device.drift_nu > 0 and drift_time_s > device.drift_t0_s:
        nu = torch.full(shape, device.drift_nu, dtype=dtype)
        if device.drift_nu_sigma > 0:
            nu = (nu + device.drift_nu_sigma * torch.randn(shape, generator=generator,
                                                           dtype=dtype)).clamp_min(0.0)
        g = g0 * (drift_time_s / device.drift_t0_s) ** (-nu)
    return ProgrammedCells(g=g, g_programmed=g0)


def read_noise_(weights: torch.Tensor, sigma: float, generator: torch.Generator) -> torch.Tensor:
    """``weights * (1 + sigma * N(0,1))``: a fresh read-noise draw (new tensor)."""
    noise = torch.randn(weights.shape, generator=generator, dtype=weights.dtype)
    return weights * noise.mul_(sigma).add_(1.0)
