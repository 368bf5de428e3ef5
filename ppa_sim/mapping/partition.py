"""How one layer's weights are cut into subarrays: the shared cost/accuracy contract.

:func:`partition` is the single place that decides which weight lands in which
subarray row and column. The estimator counts reads, ADC conversions and
subarrays from the returned :class:`Partition`; the accuracy path slices the
torch weight tensor with the same object, so both paths see the same cut.

Unrolled weight matrix (one group)
----------------------------------
A conv weight ``W`` of torch shape ``(C_out, C_in/groups, kh, kw)`` becomes, per
group ``g``, a matrix with one row per input (``C_in/groups * kh * kw`` rows)
and one *logical* column per output channel of the group (``C_out/groups``).
A linear weight ``(out, in)`` is one group with ``in`` rows and ``out`` logical
columns. Each logical column (one weight) occupies ``columns_per_weight``
physical columns: ``slices`` cells of ``cell_bits`` bits for the magnitude, x2
for a differential (G+/G-) pair; offset mapping uses one column per slice and
adds ``reference_columns`` (1) per subarray holding the zero-point reference
(DNN+NeuroSim V1.3/V1.4 documentation: "weight-mapping" and the dummy/reference
column of the offset scheme).

Row order (``policy``)
----------------------
* ``im2col`` (NeuroSim "conventional mapping"): rows follow torch's
  ``W.reshape(C_out, -1)`` order, i.e. index ``c*kh*kw + i*kw + j``. The rows
  are cut into ``ceil(rows / subarray.rows)`` row tiles.
* ``kernel_wise`` (NeuroSim "novel mapping", Peng et al., ISCAS 2019 / IEDM
  2019, DNN+NeuroSim manual section on mapping): the rows of each kernel
  position ``p = i*kw + j`` form their own block of ``C_in/groups`` rows, cut
  into ``ceil(C_in_g / subarray.rows)`` row tiles, so that a subarray never
  mixes kernel positions and one input fetch is reused by all positions.
  ``linear`` layers have a single position, so both policies coincide.

Which order a layer gets (:func:`layer_policy`): ``mapping.policy_per_layer`` (layer
name or regex -> policy) first, then ``mapping.grouped_policy`` for grouped and
depthwise convs (default ``auto``: the order needing fewer subarrays -- a depthwise
3x3 conv mapped kernel-wise gives every kernel position its own row block of one
channel, several times the subarrays of im2col's 9-row blocks), then
``mapping.policy``. With ``mapping.duplication: neurosim`` a dense conv whose
k*k*C_in rows do not fill one subarray (a first conv on 3 channels) is im2col even
under ``kernel_wise``, as DNN+NeuroSim V1.4 maps it conventionally. The accuracy path calls :func:`partition` too, so it follows the
same choice.

``row_tile_index(i)`` gives, for row tile ``i``, the indices into the torch
``W.reshape(C_out, -1)`` row order, valid for both policies.

Columns
-------
Logical columns are cut into column tiles of ``weights_per_col_tile`` weights
(weights never straddle subarrays, so each weight's slices share one shift-add);
``col_tiles[k]`` is the number of *physical* columns used in column tile
``k`` (including its reference column), ``col_tile_weights[k]`` its weights.

Groups (grouped and depthwise conv)
-----------------------------------
Each group has its own block-diagonal weight matrix. When one group's matrix
fits one subarray per row tile (every kernel position / row block within
``subarray.rows`` rows, all its columns within one column tile),
``groups_per_subarray`` groups are packed block-diagonally into one subarray
(group ``g`` uses rows ``[g_local*rows_used, ...)`` and its own columns; the
off-diagonal cells hold weight zero). Otherwise each group gets its own
subarrays (``groups_per_subarray == 1``).

``matmul`` layers (activation x activation) have no static weights; their
partition has ``policy == 'digital'`` and no tiles.

The result is frozen and depends only on (layer, design); duplication is added
by the planner on top (it copies whole partitions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ppa_sim.errors import MappingError
from ppa_sim.network.layer import WEIGHT_KINDS, Layer

if TYPE_CHECKING:  # pragma: no cover
    from ppa_sim.spec import Design
    from ppa_sim.spec.architecture import MappingSpec


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class Partition:
    """One layer's weights cut into subarray tiles (one copy; no duplication)."""

    layer: str
    """Layer name."""
    kind: str
    """Layer kind (``conv2d``, ``linear``, ``matmul``)."""
    policy: str
    """``im2col``, ``kernel_wise`` or ``digital`` (matmul on the digital unit)."""
    subarray_rows: int
    subarray_cols: int
    groups: int
    """Convolution groups (1 for dense conv and linear; C for depthwise)."""
    group_rows: int
    """Unrolled rows of one group (C_in/groups * kh * kw, or in-features)."""
    group_weights: int
    """Logical columns (output channels) of one group."""
    kernel_positions: int
    """Row blocks that never share a subarray: kh*kw for kernel_wise, else 1."""
    rows_per_position: int
    """Rows in one row block (C_in/groups for kernel_wise, group_rows for im2col)."""
    kernel_w: int
    """Kernel width (to turn a position index p into (i, j) = divmod(p, kernel_w))."""
    weight_bits: int | None
    """Signed weight precision (None = analog: one cell (pair) per weight)."""
    cell_bits: int
    slices: int
    """Cells per weight per polarity (bit slices)."""
    columns_per_weight: int
    """Physical columns per weight (slices, x2 for differential)."""
    weight_mapping: str
    """``differential`` or ``offset``."""
    reference_columns: int
    """Extra reference columns per subarray (1 for offset mapping, else 0)."""
    weights_per_col_tile: int
    """Maximum weights (logical columns) in one column tile."""
    row_tiles: tuple[int, ...]
    """Rows used in each row tile of one group (position-major for kernel_wise)."""
    row_tile_position: tuple[int, ...]
    """Kernel position of each row tile (all 0 for im2col and linear)."""
    row_tile_start: tuple[int, ...]
    """First row of each tile inside its block: channel for kernel_wise, unrolled
    row for im2col."""
    col_tiles: tuple[int, ...]
    """Physical columns used in each column tile (weights x columns_per_weight +
    reference columns)."""
    col_tile_weights: tuple[int, ...]
    """Weights (output channels of the group) in each column tile."""
    groups_per_subarray: int
    """Groups packed block-diagonally into one subarray (1 = no packing)."""

    # ------------------------------------------------------------------ derived
    @property
    def is_digital(self) -> bool:
        return self.policy == "digital"

    @property
    def n_row_tiles(self) -> int:
        return len(self.row_tiles)

    @property
    def n_col_tiles(self) -> int:
        return len(self.col_tiles)

    @property
    def group_blocks(self) -> int:
        """Sets of subarrays needed for all groups (groups / groups_per_subarray)."""
        if self.is_digital:
            return 0
        return _ceil_div(self.groups, self.groups_per_subarray)

    @property
    def subarrays(self) -> int:
        """Subarrays holding one copy of the layer's weights."""
        return self.group_blocks * self.n_row_tiles * self.n_col_tiles

    @property
    def weight_cells(self) -> int:
        """Cells that hold weight bits (reference columns excluded)."""
        if self.is_digital:
            return 0
        return self.groups * self.group_rows * self.group_weights * self.columns_per_weight

    @property
    def used_cells(self) -> int:
        """Cells programmed (weights plus reference columns of every used row)."""
        if self.is_digital:
            return 0
        ref = self.reference_columns * sum(self.row_tiles) * self.n_col_tiles * self.group_blocks
        return self.weight_cells + ref

    @property
    def utilization(self) -> float:
        """Weight cells over the cells of the allocated subarrays."""
        cap = self.subarrays * self.subarray_rows * self.subarray_cols
        return self.weight_cells / cap if cap else 0.0

    @property
    def max_rows_used(self) -> int:
        """Rows used by one subarray, group packing included (word lines driven)."""
        if self.is_digital:
            return 0
        return max(self.row_tiles) * min(self.groups_per_subarray, self.groups)

    @property
    def max_cols_used(self) -> int:
        if self.is_digital:
            return 0
        return max(self.col_tiles) * min(self.groups_per_subarray, self.groups)

    def row_tile_index(self, i: int) -> list[int]:
        """Indices of row tile ``i`` in torch's ``W[g].reshape(C_out_g, -1)`` row order."""
        n = self.row_tiles[i]
        start = self.row_tile_start[i]
        if self.policy == "kernel_wise" and self.kernel_positions > 1:
            p = self.row_tile_position[i]
            kk = self.kernel_positions
            # torch order of (c, p) is c*kh*kw + p
            return [(start + c) * kk + p for c in range(n)]
        return list(range(start, start + n))

    def col_tile_index(self, k: int) -> list[int]:
        """Output channels (within the group) held by column tile ``k``."""
        start = sum(self.col_tile_weights[:k])
        return list(range(start, start + self.col_tile_weights[k]))

    @cached_property
    def summary(self) -> dict[str, object]:
        return {"policy": self.policy, "subarrays": self.subarrays,
                "row_tiles": self.n_row_tiles, "col_tiles": self.n_col_tiles,
                "groups": self.groups, "groups_per_subarray": self.groups_per_subarray,
                "columns_per_weight": self.columns_per_weight,
                "utilization": self.utilization}


def weight_format(layer: Layer, design: Design) -> tuple[int | None, int, int, int]:
    """(weight_bits, slices, columns_per_weight, reference_columns) for ``layer``.

    A per-layer ``weight_bits`` overrides the architecture's ``weights.bits``.
    """
    arch = design.arch
    bits = layer.weight_bits if layer.weight_bits is not None else arch.weights.bits
    cell_bits = arch.subarray.cell.bits
    mapping = arch.weights.mapping
    if bits is None:
        slices = 1
    else:
        mag = bits - 1 if mapping == "differential" else bits
        if mag < 1:
            raise MappingError(f"layer {layer.name!r}: {bits}-bit weights cannot be mapped "
                               f"differentially (need >= 2 bits: sign + magnitude)")
        slices = _ceil_div(mag, cell_bits)
    cpw = slices * (2 if mapping == "differential" else 1)
    ref = 1 if mapping == "offset" else 0
    return bits, slices, cpw, ref


def policy_rule(mapping: MappingSpec, name: str) -> str | None:
    """The ``mapping.policy_per_layer`` entry for layer ``name`` (exact name first, then
    the first pattern that matches the whole name), or None."""
    rules = mapping.policy_per_layer
    if not rules:
        return None
    if name in rules:
        return rules[name]
    for pat, pol in rules.items():
        if re.fullmatch(pat, name):
            return pol
    return None


def layer_policy(layer: Layer, design: Design) -> str:
    """Row-order policy of ``layer``: ``im2col`` or ``kernel_wise`` (``digital`` for
    matmul). Precedence: ``mapping.policy_per_layer`` > ``mapping.grouped_policy``
    (grouped / depthwise convs) > ``mapping.policy``. Layers with one kernel position
    (linear, 1x1 conv) are ``im2col``: both orders coincide."""
    if layer.kind == "matmul":
        return "digital"
    kh, kw = layer.kernel if layer.kind == "conv2d" else (1, 1)
    if layer.kind != "conv2d" or kh * kw == 1:
        return "im2col"
    m = design.arch.mapping
    rule = policy_rule(m, layer.name)
    if rule is not None:
        return rule
    if layer.groups > 1 and m.grouped_policy != "inherit":
        if m.grouped_policy != "auto":
            return m.grouped_policy
        other = "im2col" if m.policy == "kernel_wise" else "kernel_wise"
        if _cut(layer, design, other).subarrays < _cut(layer, design, m.policy).subarrays:
            return other
    if (m.duplication == "neurosim" and m.policy == "kernel_wise" and layer.groups == 1
            and layer.matrix_rows < design.arch.subarray.rows):
        # DNN+NeuroSim V1.4 novel-maps a conv only when its k*k*C_in rows fill a subarray
        # (Chip.cpp ChipDesignInitialize; ppa_sim.mapping.neurosim step 2): a first conv
        # on 3 channels is mapped conventionally, so the NeuroSim-equivalent mode does too
        return "im2col"
    return m.policy


def partition(layer: Layer, design: Design) -> Partition:
    """Cut ``layer``'s unrolled weight matrix into subarray tiles (see module doc), with
    the row order :func:`layer_policy` picks for it.

    Raises :class:`~ppa_sim.errors.MappingError` when one weight's columns do not
    fit a subarray (e.g. 16 slices x 2 on 16 columns).
    """
    return _cut(layer, design, layer_policy(layer, design) if layer.kind != "matmul" else "")


def _cut(layer: Layer, design: Design, policy: str) -> Partition:
    """:func:`partition` with a given row order (``im2col`` / ``kernel_wise``)."""
    arch = design.arch
    sa = arch.subarray
    R, C = sa.rows, sa.cols
    bits, slices, cpw, ref = weight_format(layer, design)
    common = dict(layer=layer.name, kind=layer.kind, subarray_rows=R, subarray_cols=C,
                  weight_bits=bits, cell_bits=sa.cell.bits, slices=slices,
                  columns_per_weight=cpw, weight_mapping=arch.weights.mapping,
                  reference_columns=ref)
    if layer.kind == "matmul":
        return Partition(policy="digital", groups=0, group_rows=0, group_weights=0,
                         kernel_positions=0, rows_per_position=0, kernel_w=1,
                         weights_per_col_tile=0, row_tiles=(), row_tile_position=(),
                         row_tile_start=(), col_tiles=(), col_tile_weights=(),
                         groups_per_subarray=1, **common)
    if layer.kind not in WEIGHT_KINDS:
        raise ValueError(f"layer {layer.name!r} of kind {layer.kind!r} has no weights to map")

    groups = layer.groups if layer.kind == "conv2d" else 1
    group_rows = layer.matrix_rows
    group_weights = layer.matrix_cols
    if group_rows < 1 or group_weights < 1:
        raise MappingError(f"layer {layer.name!r}: empty weight matrix "
                           f"({group_rows} rows x {group_weights} columns)")
    kh, kw = layer.kernel if layer.kind == "conv2d" else (1, 1)
    if policy == "kernel_wise" and layer.kind == "conv2d" and kh * kw > 1:
        positions = kh * kw
        per_pos = group_rows // positions
    else:
        policy = "im2col"
        positions = 1
        per_pos = group_rows

    # rows: each block (kernel position) cut into tiles of at most R rows
    # (every block is cut alike: full tiles of R rows, then the remainder)
    tiles_per_pos = _ceil_div(per_pos, R)
    block = (R,) * (tiles_per_pos - 1) + (per_pos - (tiles_per_pos - 1) * R,)
    row_tiles = block * positions
    row_pos = tuple(p for p in range(positions) for _ in range(tiles_per_pos))
    row_start = tuple(range(0, per_pos, R)) * positions

    # columns: whole weights per column tile, reference column(s) reserved
    wpt = (C - ref) // cpw
    if wpt < 1:
        raise MappingError(
            f"layer {layer.name!r}: one weight needs {cpw} columns"
            f"{' + 1 reference column' if ref else ''} but a subarray has {C}; "
            f"use more subarray.cols, more cell bits or fewer weight bits")
    n_ct = _ceil_div(group_weights, wpt)
    last = group_weights - (n_ct - 1) * wpt
    col_w = (wpt,) * (n_ct - 1) + (last,)
    col_tiles = (wpt * cpw + ref,) * (n_ct - 1) + (last * cpw + ref,)

    gps = 1
    if groups > 1 and tiles_per_pos == 1 and n_ct == 1:
        gps = max(1, min(R // max(row_tiles), C // col_tiles[0], groups))

    return Partition(policy=policy, groups=groups, group_rows=group_rows,
                     group_weights=group_weights, kernel_positions=positions,
                     rows_per_position=per_pos, kernel_w=kw, weights_per_col_tile=wpt,
                     row_tiles=row_tiles, row_tile_position=row_pos,
                     row_tile_start=row_start, col_tiles=col_tiles,
                     col_tile_weights=col_w, groups_per_subarray=gps, **common)
