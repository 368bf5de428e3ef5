"""Per-layer weight / activation precision on a :class:`~ppa_sim.network.Network`.

Layers carry ``weight_bits`` / ``act_bits`` (None = the architecture's setting). A
common case: DNN+NeuroSim-style designs that keep the first and last layers at 8 bits
while the rest run at lower precision. Rules apply in order (later wins), by exact
layer name or shell-style pattern (``layer*.conv1``, ``blocks.*.attn.qkv``).

A model file loaded by :func:`ppa_sim.network.load.load_network` may define
``PRECISION = {"features.0": {"weight_bits": 8, "act_bits": 8}, ...}``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import replace

from ppa_sim.errors import NetworkError
from ppa_sim.network.layer import Layer, Network

__all__ = ["with_precision"]

#: Precision range accepted here (1 bit binary nets up to fp32-equivalent integers).
_MIN_BITS, _MAX_BITS = 1, 32
_KEYS = ("weight_bits", "act_bits")


def _check(bits: object, what: str) -> int | None:
    if bits is None:
        return None
    if isinstance(bits, bool) or not isinstance(bits, int) or not _MIN_BITS <= bits <= _MAX_BITS:
        raise NetworkError(f"{what} must be an integer in [{_MIN_BITS}, {_MAX_BITS}], "
                           f"got {bits!r}")
    return bits


def with_precision(network: Network, *, weight_bits: int | None = None,
                   act_bits: int | None = None,
                   per_layer: Mapping[str, Mapping[str, int | None]] | None = None) -> Network:
    """A copy of ``network`` with precision set on its conv/linear/matmul layers.

    ``weight_bits`` / ``act_bits`` apply to every such layer; ``per_layer`` maps a layer
    name or pattern to ``{"weight_bits": n, "act_bits": m}`` and overrides them. A rule
    that matches no layer, an unknown key, or bits outside [1, 32] raise NetworkError.
    """
    wb = _check(weight_bits, "weight_bits")
    ab = _check(act_bits, "act_bits")
    target = [lay for lay in network.layers if lay.kind in ("conv2d", "linear", "matmul")]
    settings: dict[str, dict[str, int | None]] = {
        lay.name: {"weight_bits": lay.weight_bits if wb is None else wb,
                   "act_bits": lay.act_bits if ab is None else ab} for lay in target}
    for pattern, rule in (per_layer or {}).items():
        if not isinstance(rule, Mapping):
            raise NetworkError(f"precision rule for {pattern!r} must be a mapping with "
                               f"{' and/or '.join(_KEYS)}, got {rule!r}")
        bad = set(rule) - set(_KEYS)
        if bad:
            raise NetworkError(f"precision rule for {pattern!r}: unknown key(s) "
                               f"{', '.join(sorted(bad))}; allowed: {', '.join(_KEYS)}")
        hits = [n for n in settings if n == pattern or fnmatch.fnmatchcase(n, pattern)]
        if not hits:
            raise NetworkError(f"precision rule {pattern!r} matches no conv/linear/matmul "
                               f"layer of {network.name} (e.g. "
                               f"{', '.join(list(settings)[:4])})")
        for n in hits:
            for key, bits in rule.items():
                settings[n][key] = _check(bits, f"{pattern}.{key}")

    def apply(lay: Layer) -> Layer:
        s = settings.get(lay.name)
        if s is None:
            return lay
        # a matmul has no static weights: both operands are activations
        wbits = s["act_bits"] if lay.kind == "matmul" else s["weight_bits"]
        return replace(lay, weight_bits=wbits, act_bits=s["act_bits"])

    return replace(network, layers=tuple(apply(lay) for lay in network.layers))
