"""Layer and Network: what the estimator and the accuracy path start from.

Shapes are (C, H, W) for feature maps and (N,) / (T, N) for vectors and token
sequences (batch excluded). A network is a list of layers in execution order;
each layer names the layers whose outputs it consumes (``inputs``), so residual
adds and concatenations are explicit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

LayerKind = Literal[
    "conv2d", "linear", "pool", "add", "concat", "batchnorm", "activation",
    "matmul", "flatten", "softmax", "layernorm",
]

#: Kinds whose weights are stored in crossbars.
WEIGHT_KINDS = ("conv2d", "linear")


@dataclass(frozen=True)
class Layer:
    """One operation of a network.

    ``conv2d`` and ``linear`` carry static weights (mapped to crossbars);
    ``matmul`` multiplies two activations (attention) and runs on a digital unit;
    the rest are digital element-wise / reduction operations.
    """

    name: str
    kind: LayerKind
    in_shape: tuple[int, ...]
    """Input feature shape without batch: (C, H, W) for conv/pool, (N,) or (T, N) for linear."""
    out_shape: tuple[int, ...]
    inputs: tuple[str, ...] = ()
    """Names of producer layers ('' or empty = network input)."""
    in_channels: int = 0
    out_channels: int = 0
    kernel: tuple[int, int] = (1, 1)
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    dilation: tuple[int, int] = (1, 1)
    groups: int = 1
    bias: bool = False
    pool: Literal["max", "avg", ""] = ""
    """Pooling type for ``pool`` layers."""
    activation: str = ""
    """Activation function name for ``activation`` layers (relu, gelu, ...)."""
    matmul_dims: tuple[int, int, int, int] = (0, 0, 0, 0)
    """For ``matmul``: (batch_heads, M, K, N) of the activation-by-activation product."""
    weight_bits: int | None = None
    """Per-layer weight precision override (None = the architecture's)."""
    act_bits: int | None = None
    """Per-layer activation precision override (None = the architecture's)."""
    folded_into: str = ""
    """For ``batchnorm``: the conv/linear it folds into for cost ('' = not foldable)."""

    # ------------------------------------------------------------------ derived
    @property
    def out_positions(self) -> int:
        """Output positions per input image (H_out*W_out for conv, T for token linear)."""
        if self.kind == "conv2d":
            return self.out_shape[1] * self.out_shape[2]
        if self.kind == "linear":
            return math.prod(self.out_shape[:-1]) if len(self.out_shape) > 1 else 1
        return 1

    @property
    def weights(self) -> int:
        """Static weight count (bias excluded)."""
        if self.kind == "conv2d":
            kh, kw = self.kernel
            return self.out_channels * (self.in_channels // self.groups) * kh * kw
        if self.kind == "linear":
            return self.in_channels * self.out_channels
        if self.kind == "batchnorm":
            return 0
        return 0

    @property
    def params(self) -> int:
        """Parameters including biases and batch-norm affine terms."""
        p = self.weights + (self.out_channels if self.bias else 0)
        if self.kind in ("batchnorm", "layernorm"):
            p += 2 * self.in_shape[0] if self.kind == "batchnorm" else 2 * self.in_shape[-1]
        return p

    @property
    def macs(self) -> int:
        """Multiply-accumulates per input (one image / one sequence)."""
        if self.kind in WEIGHT_KINDS:
            return self.weights * self.out_positions
        if self.kind == "matmul":
            b, m, k, n = self.matmul_dims
            return b * m * k * n
        return 0

    @property
    def matrix_rows(self) -> int:
        """Rows of the unrolled weight matrix of one group (k*k*C/groups or in-features)."""
        if self.kind == "conv2d":
            kh, kw = self.kernel
            return (self.in_channels // self.groups) * kh * kw
        if self.kind == "linear":
            return self.in_channels
        return 0

    @property
    def matrix_cols(self) -> int:
        """Columns (output channels) of one group's weight matrix, before bit slicing."""
        if self.kind == "conv2d":
            return self.out_channels // self.groups
        if self.kind == "linear":
            return self.out_channels
        return 0

    @property
    def in_elements(self) -> int:
        return math.prod(self.in_shape)

    @property
    def out_elements(self) -> int:
        return math.prod(self.out_shape)

    def with_(self, **changes: object) -> Layer:
        return replace(self, **changes)


@dataclass(frozen=True)
class Network:
    """A network: name, input shape, layers in execution order."""

    name: str
    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]
    description: str = ""
    source: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def layer(self, name: str) -> Layer:
        for lay in self.layers:
            if lay.name == name:
                return lay
        raise KeyError(name)

    @property
    def weight_layers(self) -> tuple[Layer, ...]:
        return tuple(lay for lay in self.layers if lay.kind in WEIGHT_KINDS)

    @property
    def macs(self) -> int:
        return sum(lay.macs for lay in self.layers)

    @property
    def params(self) -> int:
        return sum(lay.params for lay in self.layers)

    @property
    def weights(self) -> int:
        return sum(lay.weights for lay in self.layers)

    def summary_rows(self) -> list[dict]:
        return [{"name": lay.name, "kind": lay.kind, "in": lay.in_shape, "out": lay.out_shape,
                 "macs": lay.macs, "params": lay.params} for lay in self.layers]


def conv_out(size: int, k: int, s: int, p: int, d: int = 1) -> int:
    """Output length of a convolution along one axis."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def names_unique(layers: Sequence[Layer]) -> bool:
    return len({lay.name for lay in layers}) == len(layers)
