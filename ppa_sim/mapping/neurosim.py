"""DNN+NeuroSim V1.4's floorplan rule: per-layer speed-up (duplication) and tile sizes.

``mapping.duplication: neurosim`` duplicates every weight layer the way DNN+NeuroSim
V1.4 does (Inference_pytorch/NeuroSIM/Chip.cpp, ``ChipDesignInitialize`` and
``ChipFloorPlan``; described in the DNN+NeuroSim manual, "Chip floorplan" and
"pipeline speed-up"), so that a like-for-like comparison with NeuroSim copies the same
layers the same number of times. The rule, written out from the V1.4 sources (facts
only; this is our own implementation):

1. **Layer view.** Each conv/linear layer is (IFM height, C_in, kh, kw, C_out) with
   ``C_out x columns_per_weight`` columns (NeuroSim's numColPerSynapse; one row per
   input, numRowPerSynapse = 1). Linear layers are 1x1 kernels on a 1x1 IFM. Grouped
   convs (NeuroSim has none) use one group's input channels.
2. **Novel-mapping layers.** ``numPENM`` is the kernel area (kh*kw > 1) shared by the
   most layers; a layer is *novel-mapped* (NM: one PE per kernel position) when its
   kernel area is numPENM and its k*k*C_in rows fill at least one subarray; all other
   layers (first conv, FC) are *conventional* (CM).
3. **Pipeline speed-up** (pipelined execution only): with IFM_max the first layer's IFM
   height and IFM_min the smallest IFM height of a layer with kh != 1, the degree is
   ``min(speedUpDegree, floor(IFM_max / IFM_min))`` (``mapping.speedup_degree``, V1.4
   Param.cpp default 8); bound = ceil(IFM_max / degree); a layer's speed-up is
   ``ceil((IFM / bound)^2)``.
4. **Sizes** (in cells, powers of two). NM PE size: from max(2^ceil(log2(C_out*cpw))
   over NM layers, 2*subarray rows) halving while above 2*rows, the size with the best
   NM utilization (weights / (sum ceil(C_in/s) ceil(C_out cpw/s) x s^2 x numPENM));
   CM tile size likewise from max(.., 4*rows) while above 4*rows with the CM
   utilization; CM PE size = tile/2, or a smaller power of two (above 2*rows) if it
   beats the CM tile utilization.
5. **Free copies.** A CM layer whose rows or columns fit a tile is copied into the
   PEs its copy leaves empty (``floor(PEs per tile side / PEs per copy side)`` per
   side), and every layer whose rows or columns fit a PE into the subarrays its copy
   leaves empty (same rule with subarrays in a PE). NM layers only get subarray copies.
6. **Tiles and speed-up.** With d = (PE copies x subarray copies) of the layer, a layer
   takes ``ceil(rows / size) x ceil(speed-up / d)`` x ``ceil(cols / size)`` tiles and
   its duplication is ``d x ceil(speed-up / d)``.

On VGG-8 with the V1.4 defaults (128x128 subarrays, 8 columns per weight) this gives
NeuroSim's speed-ups 16, 16, 4, 4, 2, 1, 1, 8, NM PEs of 512x512, CM tiles of
1024x1024 with 512x512 PEs, and 103 NeuroSim tiles (``tiles`` below). ppa_sim then
places the copies on its own (single) tile type, so its tile count differs from
NeuroSim's, whose novel-mapped tiles hold numPENM PEs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ppa_sim.mapping.partition import weight_format
from ppa_sim.network.layer import Layer

if TYPE_CHECKING:  # pragma: no cover
    from ppa_sim.spec import Design


@dataclass(frozen=True)
class NeuroSimFloorplan:
    """What DNN+NeuroSim V1.4's ChipFloorPlan decides for one network."""

    layers: tuple[str, ...]
    novel: tuple[bool, ...]
    """Novel-mapped (one PE per kernel position) or conventional, per layer."""
    pe_per_tile_nm: int
    """numPENM: PEs (kernel positions) of a novel-mapped tile."""
    pe_size_nm: int
    tile_size_cm: int
    pe_size_cm: int
    """Sizes in cells per side (powers of two)."""
    pipeline_speedup: tuple[int, ...]
    """Step 3 speed-up asked for each layer (1 when not pipelined)."""
    duplication: tuple[int, ...]
    """Copies of each layer (NeuroSim's "speed-up")."""
    tiles: tuple[int, ...]
    """NeuroSim tiles of each layer (NM tiles and CM tiles have different sizes)."""

    @property
    def total_tiles(self) -> int:
        return sum(self.tiles)

    def duplication_of(self, name: str) -> int:
        return self.duplication[self.layers.index(name)]


def _pow2_ceil(x: float) -> int:
    return 2 ** math.ceil(math.log2(x)) if x > 1 else 1


def _fit_dup(rows: int, cols: int, size: float, unit_r: float, unit_c: float) -> tuple[int, int]:
    """Copies of a (rows x cols) matrix in the empty units of a size x size block built
    from units of unit_r x unit_c cells: only when the matrix fits the block one way."""
    if rows > size and cols > size:
        return 1, 1
    n_r = math.ceil(size / unit_r) // math.ceil(rows / unit_r)
    n_c = math.ceil(size / unit_c) // math.ceil(cols / unit_c)
    return max(1, n_r), max(1, n_c)


def neurosim_floorplan(layers: list[Layer] | tuple[Layer, ...], design: Design, *,
                       pipelined: bool | None = None) -> NeuroSimFloorplan:
    """DNN+NeuroSim V1.4's floorplan of the weight layers ``layers`` (module docstring).

    ``pipelined``: default the architecture's ``mapping.execution == 'pipelined'``.
    """
    arch = design.arch
    R, C = arch.subarray.rows, arch.subarray.cols
    if pipelined is None:
        pipelined = arch.mapping.execution == "pipelined"
    geo = []  # (name, ifm, cin, kh, kw, cout, cps)
    for lay in layers:
        cps = weight_format(lay, design)[2]
        if lay.kind == "conv2d":
            kh, kw = lay.kernel
            geo.append((lay.name, lay.in_shape[1], lay.in_channels // lay.groups, kh, kw,
                        lay.out_channels, cps))
        else:
            geo.append((lay.name, 1, lay.in_channels, 1, 1, lay.out_channels, cps))
    if not geo:
        return NeuroSimFloorplan((), (), 0, 0, 0, 0, (), (), ())

    # 2. numPENM: the kernel area (> 1) most layers share; the first such area wins ties
    counts: dict[int, int] = {}
    for g in geo:
        if g[3] * g[4] != 1:
            counts[g[3] * g[4]] = counts.get(g[3] * g[4], 0) + 1
    # (first on ties; with no kernel area > 1 NeuroSim ends up with numPENM = 1)
    order = list(counts)
    pe_nm = max(order, key=lambda a: (counts[a], -order.index(a))) if counts else 1
    novel = tuple(g[3] * g[4] == pe_nm and g[2] * g[3] * g[4] >= R for g in geo)
    max_pe_nm = max((_pow2_ceil(g[5] * g[6]) for g, n in zip(geo, novel, strict=True) if n), default=0)
    max_tile_cm = max((_pow2_ceil(g[5] * g[6]) for g, n in zip(geo, novel, strict=True) if not n),
                      default=0)

    # 3. pipeline speed-up from the IFM sizes
    if pipelined:
        ifm_max = geo[0][1]
        ifm_min = min([ifm_max] + [g[1] for g in geo if g[3] != 1])
        degree = min(arch.mapping.speedup_degree, max(1, ifm_max // ifm_min))
        bound = math.ceil(ifm_max / degree)
        speed = tuple(math.ceil((g[1] / bound) ** 2) for g in geo)
    else:
        speed = tuple(1 for _ in geo)

    nm = [(g, s) for g, n, s in zip(geo, novel, speed, strict=True) if n]
    cm = [(g, s) for g, n, s in zip(geo, novel, speed, strict=True) if not n]
    cells_nm = sum(g[2] * g[3] * g[4] * g[5] * g[6] for g, _ in nm)
    cells_cm = sum(g[2] * g[3] * g[4] * g[5] * g[6] for g, _ in cm)

    def util_nm(s: float) -> tuple[float, float]:
        n = sum(math.ceil(g[2] / s) * math.ceil(g[5] * g[6] / s) for g, _ in nm)
        return (cells_nm / (n * s * s * pe_nm) if n else 0.0), n

    def util_cm(s: float) -> tuple[float, float]:
        n = sum(math.ceil(g[2] * g[3] * g[4] / s) * math.ceil(g[5] * g[6] / s) for g, _ in cm)
        return (cells_cm / (n * s * s) if n else 0.0), n

    # 4. sizes: halving from the largest while above the floor, the best utilization wins
    #    (a smaller size only if strictly better); (size, best utilization or 0)
    def best(start: float, floor: float,
             util: Callable[[float], tuple[float, float]]) -> tuple[float, float]:
        pick, top, s = start, 0.0, start
        while s > floor:
            u = util(s)[0]
            if u > top:
                top, pick = u, s
            s /= 2
        return pick, top

    size_nm, _ = best(max(max_pe_nm, 2 * R), 2 * R, util_nm)
    size_cm, u_tile = best(max(max_tile_cm, 4 * R), 4 * R, util_cm)
    n_tiles_cm = util_cm(size_cm)[1]

    def util_pe_cm(pe: float) -> float:
        used = 0
        for g, _ in cm:
            rows, cols = g[2] * g[3] * g[4], g[5] * g[6]
            dr, dc = _fit_dup(rows, cols, size_cm, pe, pe)
            used += dr * dc * rows * cols
        return used / (n_tiles_cm * size_cm * size_cm) if n_tiles_cm else 0.0

    pe_cm, top, s = size_cm / 2, u_tile, size_cm / 2
    while s > 2 * R:
        u = util_pe_cm(s)
        if u > top:
            top, pe_cm = u, s
        s /= 2

    # 5.-6. free copies, tiles and duplication per layer
    dup: list[int] = []
    tiles: list[int] = []
    for g, n, sp in zip(geo, novel, speed, strict=True):
        cin, cout_cols = g[2], g[5] * g[6]
        if n:
            rows, pr, pc = cin, 1, 1
            sr, sc = _fit_dup(rows, cout_cols, size_nm, R, C)
            side = size_nm
        else:
            rows = cin * g[3] * g[4]
            pr, pc = _fit_dup(rows, cout_cols, size_cm, pe_cm, pe_cm)
            sr, sc = _fit_dup(rows, cout_cols, pe_cm, R, C)
            side = size_cm
        d = pr * pc * sr * sc
        k = math.ceil(sp / d)
        dup.append(d * k)
        tiles.append(math.ceil(rows / side) * k * math.ceil(cout_cols / side))
    return NeuroSimFloorplan(layers=tuple(g[0] for g in geo), novel=novel,
                             pe_per_tile_nm=pe_nm, pe_size_nm=int(size_nm),
                             tile_size_cm=int(size_cm), pe_size_cm=int(pe_cm),
                             pipeline_speedup=speed, duplication=tuple(dup),
                             tiles=tuple(tiles))
