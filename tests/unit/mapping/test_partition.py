"""partition(): the cut of one layer's weights (shared with the accuracy path)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mapnets import conv, design, fc

from ppa_sim.errors import MappingError
from ppa_sim.mapping.partition import partition
from ppa_sim.network import Layer


def test_dense_conv_kernel_wise_vs_im2col():
    lay = conv("c", 128, 128, 32)
    kw = partition(lay, design())
    # 2-bit cells, 8-bit differential weights: 7 magnitude bits -> 4 slices x 2 = 8 columns
    assert kw.columns_per_weight == 8 and kw.slices == 4
    assert kw.policy == "kernel_wise"
    assert kw.n_row_tiles == 9 and set(kw.row_tiles) == {128}       # one block per position
    assert kw.n_col_tiles == 8 and kw.col_tiles == (128,) * 8       # 16 weights x 8 columns
    assert kw.subarrays == 72 and kw.utilization == pytest.approx(1.0)
    im = partition(lay, design(**{"mapping.policy": "im2col"}))
    assert im.policy == "im2col"
    assert im.n_row_tiles == 9 and im.subarrays == 72   # 1152 rows / 128
    # small channel counts: kernel-wise wastes rows (one position per subarray)
    small = conv("c1", 3, 128, 32)
    assert partition(small, design()).subarrays == 9 * 8
    assert partition(small, design(**{"mapping.policy": "im2col"})).subarrays == 8


def test_row_tile_index_covers_every_row_once():
    lay = conv("c", 200, 16, 8)
    for pol in ("kernel_wise", "im2col"):
        p = partition(lay, design(**{"mapping.policy": pol}))
        idx = [i for t in range(p.n_row_tiles) for i in p.row_tile_index(t)]
        assert sorted(idx) == list(range(lay.matrix_rows))
        cols = [i for k in range(p.n_col_tiles) for i in p.col_tile_index(k)]
        assert cols == list(range(lay.matrix_cols))
    p = partition(lay, design())
    # kernel-wise: a tile holds one kernel position: torch index c*9 + pos
    assert {i % 9 for i in p.row_tile_index(0)} == {p.row_tile_position[0]}


def test_offset_mapping_reference_column_and_fc():
    p = partition(fc("f", 300, 40), design(**{"weights.mapping": "offset"}))
    assert p.reference_columns == 1 and p.columns_per_weight == 4   # 8 bits / 2-bit cells
    assert p.weights_per_col_tile == (128 - 1) // 4
    assert all(c == w * 4 + 1 for c, w in zip(p.col_tiles, p.col_tile_weights, strict=True))
    assert p.policy == "im2col" and p.n_row_tiles == 3 and p.row_tiles == (128, 128, 44)


def test_depthwise_packs_groups_block_diagonally():
    dw = conv("dw", 64, 64, 16, groups=64)
    p = partition(dw, design(**{"mapping.policy": "im2col"}))
    assert p.groups == 64 and p.group_rows == 9 and p.group_weights == 1
    assert p.groups_per_subarray == min(128 // 9, 128 // 8)
    assert p.subarrays == -(-64 // p.groups_per_subarray)
    assert p.weight_cells == 64 * 9 * 8
    g = partition(conv("g", 256, 256, 8, groups=2), design(**{"mapping.policy": "im2col"}))
    assert g.groups_per_subarray == 1 and g.subarrays == 2 * 9 * 8


def test_weight_too_wide_is_a_mapping_error():
    d = design(**{"subarray.cols": 8, "subarray.adc.columns_per_adc": 8,
                  "weights.bits": 16, "subarray.cell.bits": 1})
    with pytest.raises(MappingError, match="needs 30 columns"):
        partition(fc("f", 10, 10), d)


def test_matmul_is_digital_and_frozen():
    mm = Layer("att", "matmul", (4, 16, 32), (4, 16, 16), matmul_dims=(4, 16, 32, 16))
    p = partition(mm, design())
    assert p.is_digital and p.subarrays == 0 and p.utilization == 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.groups = 3  # type: ignore[misc]


@settings(max_examples=60, deadline=None)
@given(cin=st.integers(1, 600), cout=st.integers(1, 600), k=st.sampled_from([1, 3, 5]),
       rows=st.sampled_from([32, 64, 128, 256]), cell_bits=st.integers(1, 2),
       policy=st.sampled_from(["im2col", "kernel_wise"]),
       wmap=st.sampled_from(["differential", "offset"]))
def test_partition_properties(cin, cout, k, rows, cell_bits, policy, wmap):
    d = design(**{"subarray.rows": rows, "subarray.cols": rows, "subarray.cell.bits": cell_bits,
                  "mapping.policy": policy, "weights.mapping": wmap})
    lay = conv("c", cin, cout, 8, k=k)
    p = partition(lay, d)
    assert sum(p.row_tiles) == lay.matrix_rows
    assert sum(p.col_tile_weights) == lay.matrix_cols
    assert max(p.row_tiles) <= rows and max(p.col_tiles) <= rows
    assert 0 < p.utilization <= 1
    assert p.weight_cells == lay.weights * p.columns_per_weight
    assert p.used_cells <= p.subarrays * rows * rows
