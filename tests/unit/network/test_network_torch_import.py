"""torch importer: agreement with real torch execution, graph features, clear errors."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from ppa_sim.errors import NetworkError
from ppa_sim.network import models, zoo
from ppa_sim.network.torch_import import from_torch


def _run_with_hooks(model: nn.Module, x: torch.Tensor) -> dict[str, dict]:
    """Real forward pass recording, per leaf module, output shape and MACs counted from
    the module's weight tensor and the real output size (independent of the importer)."""
    rec: dict[str, dict] = {}
    handles = []
    for name, mod in model.named_modules():
        if list(mod.children()):
            continue

        def hook(m: nn.Module, inp: tuple, out: torch.Tensor, name: str = name) -> None:
            b = out.shape[0]
            macs = 0
            if isinstance(m, nn.Conv2d):
                macs = m.weight.numel() * out.shape[2] * out.shape[3]
            elif isinstance(m, nn.Linear):
                macs = m.weight.numel() * (out.numel() // b // out.shape[-1])
            rec[name] = {"out": tuple(out.shape[1:]), "in": tuple(inp[0].shape[1:]),
                         "macs": macs}
        handles.append(mod.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return rec


@pytest.mark.parametrize("name", zoo.names())
def test_zoo_agrees_with_real_torch_layer_by_layer(name: str) -> None:
    torch.manual_seed(0)
    model = models.FACTORIES[name]()
    x = torch.randn(1, *model.input_shape)
    rec = _run_with_hooks(model, x)
    net = zoo.get(name)
    imported = from_torch(model, x, name=name)
    # the zoo (traced on the meta device) == the importer on the real model
    assert [(lay.name, lay.kind, lay.in_shape, lay.out_shape, lay.macs, lay.inputs)
            for lay in imported] == [(lay.name, lay.kind, lay.in_shape, lay.out_shape,
                                      lay.macs, lay.inputs) for lay in net]
    # ... and both match what torch really computes, module by module
    for lay in net:
        if lay.name in rec:
            assert lay.out_shape == rec[lay.name]["out"], lay.name
            assert lay.in_shape == rec[lay.name]["in"], lay.name
            assert lay.macs == rec[lay.name]["macs"], lay.name
    weight_modules = {n for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))}
    assert {lay.name for lay in net.weight_layers} == weight_modules
    matmul_macs = sum(lay.macs for lay in net if lay.kind == "matmul")
    assert net.macs == sum(r["macs"] for r in rec.values()) + matmul_macs
    assert net.weights == sum(m.weight.numel() for m in model.modules()
                              if isinstance(m, (nn.Conv2d, nn.Linear)))


def _conv_stack() -> st.SearchStrategy:
    layer = st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(0, 2),
                      st.integers(1, 2), st.integers(1, 3), st.integers(1, 3),
                      st.sampled_from(["none", "relu", "bn", "maxpool", "avgpool"]))
    return st.tuples(st.integers(1, 6), st.integers(5, 24), st.integers(5, 24),
                     st.lists(layer, min_size=1, max_size=5))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_conv_stack())
def test_random_conv_stacks_match_torch_shapes(spec: tuple) -> None:
    """kernel / stride / padding / dilation / groups (incl. depthwise): the importer's
    shapes and MACs equal torch's real output shapes."""
    cin, h, w, specs = spec
    mods: list[nn.Module] = []
    c = cin
    for k, s, p, d, g_mult, cout_mult, extra in specs:
        groups = c if g_mult == 3 else (math.gcd(c, g_mult) or 1)
        cout = groups * cout_mult
        eff = d * (k - 1) + 1
        assume(h + 2 * p >= eff and w + 2 * p >= eff)
        mods.append(nn.Conv2d(c, cout, k, stride=s, padding=p, dilation=d, groups=groups))
        h = (h + 2 * p - eff) // s + 1
        w = (w + 2 * p - eff) // s + 1
        c = cout
        if extra == "relu":
            mods.append(nn.ReLU())
        elif extra == "bn":
            mods.append(nn.BatchNorm2d(c))
        elif extra in ("maxpool", "avgpool") and h >= 2 and w >= 2:
            mods.append(nn.MaxPool2d(2) if extra == "maxpool" else nn.AvgPool2d(2, ceil_mode=False))
            h, w = h // 2, w // 2
    model = nn.Sequential(*mods)
    x = torch.randn(2, cin, spec[1], spec[2])
    rec = _run_with_hooks(model, x)
    net = from_torch(model, x)
    assert len(net) == len(mods)
    for lay in net:
        assert lay.out_shape == rec[lay.name]["out"]
        assert lay.macs == rec[lay.name]["macs"] // 1
    assert net.layers[-1].out_shape == tuple(model(x).shape[1:])


class _Branchy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(4, 8, 3, padding=1)
        self.b = nn.Conv2d(4, 8, 1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(16 * 4 * 4, 5)
        self.w = nn.Parameter(torch.randn(5, 3))
        self.drop = nn.Dropout()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = F.relu(self.bn(self.a(x)))
        y = torch.cat([a, self.b(x)], dim=1)
        y = F.max_pool2d(y + y, 2)
        y = self.drop(y.view(y.size(0), -1))
        return F.softmax(self.fc(y) @ self.w * 0.5, dim=-1)


def test_concat_add_flatten_functional_ops() -> None:
    net = from_torch(_Branchy(), (4, 8, 8))
    kinds = {lay.name: lay.kind for lay in net}
    assert kinds == {"a": "conv2d", "bn": "batchnorm", "relu": "activation", "b": "conv2d",
                     "cat": "concat", "add": "add", "max_pool2d": "pool", "flatten": "flatten",
                     "fc": "linear", "matmul": "linear", "softmax": "softmax"}
    assert net.layer("cat").inputs == ("relu", "b")
    assert net.layer("cat").out_shape == (16, 8, 8)
    assert net.layer("add").inputs == ("cat",)
    assert net.layer("bn").folded_into == "a"
    assert net.layer("fc").inputs == ("flatten",)  # dropout is an alias, not a layer
    mm = net.layer("matmul")  # activation @ parameter = a static-weight linear
    assert (mm.in_channels, mm.out_channels, mm.macs) == (5, 3, 15)
    assert net.layer("max_pool2d").out_shape == (16, 4, 4)
    assert net.input_shape == (4, 8, 8)


def test_training_flags_restored_and_weights_untouched() -> None:
    model = models.resnet20()
    model.train()
    model.layer1[0].bn1.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    from_torch(model)
    assert model.training and not model.layer1[0].bn1.training and model.layer2.training
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k  # BN running stats not updated


def test_example_input_forms() -> None:
    m = models.lenet5()
    a = from_torch(m)                       # model.input_shape
    b = from_torch(m, (1, 28, 28))          # per-sample shape
    c = from_torch(m, torch.zeros(3, 1, 28, 28))  # batched tensor
    assert a.layers == b.layers == c.layers
    assert a.input_shape == c.input_shape == (1, 28, 28)
    with pytest.raises(NetworkError, match="example input"):
        from_torch(nn.Sequential(nn.Linear(3, 4)))
    with pytest.raises(NetworkError, match=r"running model .*\(1, 1, 5, 5\)"):
        from_torch(m, (1, 5, 5))


def test_unsupported_module_names_path_and_type() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sequential(nn.Upsample(scale_factor=2)))
    with pytest.raises(NetworkError, match=r"module '1\.0' \(torch\.nn\.modules\.upsampling"
                                           r"\.Upsample\)"):
        from_torch(model, (1, 8, 8))


def test_mha_and_elementwise_product_are_reported() -> None:
    class Mha(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.att = nn.MultiheadAttention(8, 2, batch_first=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.att(x, x, x)[0]

    with pytest.raises(NetworkError, match="'att'.*MultiheadAttention"):
        from_torch(Mha(), (4, 8))

    class Gate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(2, 2, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * torch.sigmoid(self.conv(x))

    with pytest.raises(NetworkError, match="'mul'.*product of two activations"):
        from_torch(Gate(), (2, 4, 4))


def test_untraceable_model_is_a_network_error() -> None:
    class Branch(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if x.sum() > 0:  # data-dependent control flow
                return self.fc(x)
            return x

    with pytest.raises(NetworkError, match="cannot trace model Branch"):
        from_torch(Branch(), (4,))
    with pytest.raises(NetworkError, match="expected a torch.nn.Module"):
        from_torch("vgg8")  # type: ignore[arg-type]


def test_failing_run_names_the_module_without_torch_noise() -> None:
    """A model that traces but cannot run on the example input: one line naming the
    module that failed, without torch's 'While executing %node' graph dump."""
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.LSTM(4, 4))
    with pytest.raises(NetworkError) as info:
        from_torch(model, (1, 8, 8))
    msg = str(info.value)
    assert "failed at module '1' (torch.nn.modules.rnn.LSTM)" in msg
    assert "(1, 1, 8, 8)" in msg and "\n" not in msg and "While executing" not in msg


def test_shared_module_and_name_collisions() -> None:
    class Shared(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.relu = nn.ReLU()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.relu(self.fc(torch.relu(self.fc(x))))

    net = from_torch(Shared(), (4,))
    assert [lay.name for lay in net] == ["fc", "relu_1", "fc#1", "relu"]
    assert net.layer("fc#1").inputs == ("relu_1",)


def test_functional_pools_and_token_linear() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding="same", dilation=2)
            self.tok = nn.Linear(8, 16)
            self.head = nn.Linear(16, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = F.gelu(self.conv(x))
            g = y.mean((2, 3))                                   # global average pool
            t = self.tok(F.adaptive_avg_pool2d(y, 2).flatten(2).transpose(1, 2))  # 4 tokens
            return self.head(t.mean(1)) + g.sum(1, keepdim=True) * 0

    model = Net()
    with pytest.raises(NetworkError, match="'sum'"):
        from_torch(model, (3, 8, 8))

    class Net2(Net):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = F.gelu(self.conv(x))
            t = self.tok(F.adaptive_avg_pool2d(y, 2).flatten(2).transpose(1, 2))
            return self.head(t.mean(1)) + y.mean((2, 3))[:, :2]

    net = from_torch(Net2(), (3, 8, 8))
    assert net.layer("conv").padding == (2, 2) and net.layer("conv").out_shape == (8, 8, 8)
    assert net.layer("gelu").activation == "gelu"
    ap = net.layer("adaptive_avg_pool2d")
    assert (ap.kind, ap.kernel, ap.stride, ap.out_shape) == ("pool", (4, 4), (4, 4), (8, 2, 2))
    tok = net.layer("tok")
    assert (tok.in_shape, tok.out_shape, tok.macs) == ((4, 8), (4, 16), 4 * 8 * 16)
    pools = [lay for lay in net if lay.kind == "pool" and lay.pool == "avg"]
    assert [p.out_shape for p in pools] == [(8, 2, 2), (16,), (8,)]
    assert net.layer("add").inputs == ("head", "mean_1")


def test_all_unmappable_operations_in_one_error() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Upsample(scale_factor=2), nn.Conv2d(2, 2, 1),
                          nn.PixelShuffle(1))
    with pytest.raises(NetworkError) as info:
        from_torch(model, (1, 8, 8))
    msg = str(info.value)
    assert msg.startswith("2 operations cannot be mapped")
    assert "module '1' (torch.nn.modules.upsampling.Upsample)" in msg
    assert "module '3' (torch.nn.modules.pixelshuffle.PixelShuffle)" in msg
