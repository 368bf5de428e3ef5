"""NeuroSim network CSV reader: same layers as the zoo, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.errors import NetworkError
from ppa_sim.network import zoo
from ppa_sim.network.csv_import import COLUMNS, from_csv, from_csv_text, to_csv_text

DATA = Path(__file__).resolve().parents[2] / "data"
VGG8_CSV = DATA / "NetWork_VGG8.csv"


def _weight_rows(net):  # noqa: ANN001, ANN202
    return [(lay.kind, lay.in_shape, lay.out_shape, lay.kernel, lay.stride, lay.padding,
             lay.in_channels, lay.out_channels, lay.groups, lay.macs, lay.weights)
            for lay in net.weight_layers]


def test_neurosim_vgg8_csv_equals_zoo_vgg8() -> None:
    csv_net = from_csv(VGG8_CSV)
    zoo_net = zoo.get("vgg8")
    assert csv_net.name == "VGG8"
    assert csv_net.input_shape == zoo_net.input_shape == (3, 32, 32)
    assert _weight_rows(csv_net) == _weight_rows(zoo_net)
    assert csv_net.macs == zoo_net.macs == 615_917_568
    # the implied layers are explicit: ReLU after all but the last, 3 max-pools, a flatten
    assert [lay.kind for lay in csv_net if lay.kind not in ("conv2d", "linear")] == \
        [lay.kind for lay in zoo_net if lay.kind not in ("conv2d", "linear")]
    assert [lay.name for lay in csv_net.weight_layers] == \
        ["conv0", "conv1", "conv2", "conv3", "conv4", "conv5", "fc0", "fc1"]


def test_round_trip_through_csv_text() -> None:
    text = to_csv_text(zoo.get("vgg8"))
    assert text == VGG8_CSV.read_text()
    assert _weight_rows(from_csv_text(text)) == _weight_rows(zoo.get("vgg8"))
    # a CIFAR ResNet's weight layers survive the round trip (global pool before the fc)
    r20 = zoo.get("resnet20")
    back = from_csv_text(to_csv_text(r20))
    assert [(lay.in_shape, lay.out_shape, lay.macs) for lay in back.weight_layers] == \
        [(lay.in_shape, lay.out_shape, lay.macs) for lay in r20.weight_layers]


def test_neurosim_resnet18_csv_equals_zoo_resnet18() -> None:
    """NetWork_ResNet18.csv as shipped with DNN+NeuroSim V1.3 (shortcut 1x1 convs listed
    after each stage's second conv, max-pool flag on the stem, global pool before fc)."""
    path = DATA / "NetWork_ResNet18.csv"
    csv_net = from_csv(path)
    zoo_net = zoo.get("resnet18")
    assert to_csv_text(zoo_net) == path.read_text()
    pairs = list(zip(csv_net.weight_layers, zoo_net.weight_layers, strict=True))
    for a, b in pairs:
        assert (a.in_shape, a.out_shape, a.kernel, a.stride, a.macs) == \
            (b.in_shape, b.out_shape, b.kernel, b.stride, b.macs), b.name
    assert csv_net.macs == zoo_net.macs
    # the shortcut conv reads the stage input, not the conv before it
    assert csv_net.layer("conv7").inputs == ("conv4.relu",)
    assert csv_net.layer("conv19.pool").out_shape == (512, 1, 1)


def test_lenient_forms() -> None:
    text = ("IFM_H,IFM_W,IFM_C,K_H,K_W,OFM_C,pool,stride\n# comment\n\n"
            " 32 , 32 ,3,3,3,16,1,1,\n16,16,16,3.0,3,32,0,2\n1,1,2048,1,1,10,0,1\n")
    net = from_csv_text(text)
    convs = net.weight_layers
    assert convs[1].out_shape == (32, 8, 8) and convs[1].stride == (2, 2)
    assert net.layer("flatten").in_shape == (32, 8, 8)
    assert convs[2].kind == "linear" and convs[2].in_channels == 2048


@pytest.mark.parametrize("text,match", [
    ("32,32,3,3,3,128,0\n", r"row 1: expected 8 columns.*missing stride"),
    ("32,32,3,3,3,128,0,1\n16,x,128,3,3,256,0,1\n", r"row 2: column 'ifm_width' is not a number"),
    ("32,32,3,3,3,128,0,1,5\n", "expected 8 columns"),
    ("32,32,3,3,3,0,0,1\n", "'ofm_channels' must be >= 1"),
    ("32,32,3,3,3,8,2,1\n", "'max_pool' must be 0 or 1"),
    ("32,32,3,3.5,3,8,0,1\n", "'kernel_height' must be a whole number"),
    ("32,32,3,,3,8,0,1\n", "'kernel_height' is empty"),
    ("4,4,3,3,3,8,0,1\n1,1,100,1,1,10,0,1\n", r"expects 100 inputs.*8x4x4 = 128"),
    ("", "no layer rows"),
    ("1,1,3,1,1,8,1,1\n", "max_pool=1 on a fully-connected row"),
])
def test_errors_name_row_and_column(text: str, match: str) -> None:
    with pytest.raises(NetworkError, match=match):
        from_csv_text(text, source="net.csv")


def test_missing_file() -> None:
    with pytest.raises(NetworkError, match="cannot read network CSV"):
        from_csv(DATA / "does_not_exist.csv")


_GOOD = VGG8_CSV.read_text().splitlines()
_JUNK = st.sampled_from(["", "abc", "-1", "0", "1.5", "nan", "inf", "1e99", "2", "999999",
                         "#", '"', "3,3", " ", "0x10", "--", "1,,", "\x00"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_GOOD) - 1), st.integers(0, 9), _JUNK,
                          st.sampled_from(["replace", "drop", "insert", "dupline",
                                           "truncate"])),
                min_size=1, max_size=4))
def test_random_corruption_only_raises_network_error(edits: list) -> None:
    """Any corruption of a valid file parses or raises NetworkError, never anything else."""
    rows = [line.split(",") for line in _GOOD]
    for r, c, junk, how in edits:
        row = rows[r % len(rows)] if rows else []
        if how == "replace" and row:
            row[c % len(row)] = junk
        elif how == "drop" and row:
            row.pop(c % len(row))
        elif how == "insert":
            row.insert(c % (len(row) + 1), junk)
        elif how == "dupline" and rows:
            rows.insert(r % len(rows), list(row))
        elif how == "truncate" and rows:
            del rows[r % len(rows):]
    text = "\n".join(",".join(row) for row in rows)
    try:
        net = from_csv_text(text, source="corrupt.csv")
    except NetworkError as exc:
        assert "corrupt.csv" in str(exc)
        return
    # what parses is a consistent network
    assert all(lay.macs >= 0 and all(d > 0 for d in lay.out_shape) for lay in net)
    assert len(net.weight_layers) >= 1


def test_columns_documented() -> None:
    assert len(COLUMNS) == 8 and COLUMNS[6] == "max_pool" and COLUMNS[7] == "stride"


@pytest.mark.parametrize("fname", ["NetWork_VGG8.csv", "NetWork_DenseNet40.csv"])
def test_macs_equal_neurosim_operation_count(fname: str) -> None:
    """For stride-1 files NeuroSim's main.cpp counts 2*IH*IW*IC*KH*KW*OC operations per
    row ('same' padding keeps the map size); our MACs are exactly half of that."""
    path = DATA / fname
    rows = [[int(v) for v in line.split(",")] for line in path.read_text().split()]
    assert all(r[7] == 1 for r in rows)
    neurosim_ops = sum(2 * r[0] * r[1] * r[2] * r[3] * r[4] * r[5] for r in rows)
    net = from_csv(path)
    assert 2 * net.macs == neurosim_ops
    assert len(net.weight_layers) == len(rows)


def test_densenet40_transition_and_global_pool() -> None:
    """NeuroSim's DenseNet-40 file: pooled transition rows and a global pool before fc."""
    net = from_csv(DATA / "NetWork_DenseNet40.csv")
    pools = [lay for lay in net if lay.kind == "pool"]
    assert [p.out_shape for p in pools] == [(48, 16, 16), (60, 8, 8), (132, 1, 1)]
    assert net.layer("fc0").in_shape == (132,)


@st.composite
def _valid_csv(draw: st.DrawFn) -> str:
    h = draw(st.integers(4, 40))
    c = draw(st.integers(1, 16))
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        k = draw(st.sampled_from([1, 3, 5, 7]))
        s = draw(st.integers(1, 2))
        oc = draw(st.integers(1, 64))
        out = (h + 2 * ((k - 1) // 2) - k) // s + 1
        if out < 2 or k > h + 2 * ((k - 1) // 2):
            break
        pool = draw(st.integers(0, 1))
        rows.append(f"{h},{h},{c},{k},{k},{oc},{pool},{s}")
        h, c = (out // 2 if pool else out), oc
    feats = h * h * c
    for _ in range(draw(st.integers(0 if rows else 1, 3))):
        oc = draw(st.integers(1, 100))
        rows.append(f"1,1,{feats},1,1,{oc},0,1")
        feats = oc
    return "\n".join(rows) + "\n"


@settings(max_examples=60, deadline=None)
@given(_valid_csv())
def test_valid_files_round_trip(text: str) -> None:
    net = from_csv_text(text)
    assert to_csv_text(net) == text
    assert len(net.weight_layers) == len(text.split())
