"""Hardware-aware (noise-injection) training: weights that tolerate the crossbars.

``train(model, data, design)`` trains (or fine-tunes) a model whose conv/linear
layers run, in the forward pass, on the same crossbar model the accuracy path
uses (:class:`ppa_sim.accuracy.layers.CrossbarLayer`): weights quantised to the
cell levels and bit-sliced, device-to-device variation and stuck-at faults of a
*freshly drawn chip at every step*, read noise on every read, DAC and ADC
quantisation. The backward pass is a straight-through estimator (STE): the
layer returns

    y = y_ideal + stop_gradient(y_hw - y_ideal)

so the value seen by the loss is the hardware output while the gradients are
those of the floating-point layer evaluated on the hardware activations
(Bengio et al., arXiv:1308.3432 for the STE; the same scheme as aihwkit's
hardware-aware training, whose forward noise is injected and whose backward
pass is ideal: Rasch et al., "Hardware-aware training for large-scale and
diverse deep learning inference workloads using in-memory computing-based
accelerators", Nat. Commun. 14, 5282 (2023)). Sampling a new chip per step
makes the loss an expectation over chips, so the weights move where the
hardware's errors hurt least (e.g. larger margins, weights spread so that
per-layer scaling does not crush small ones).

The model returned is a plain copy of the input model (same modules, same
state_dict keys) with the trained weights; evaluate it with
:func:`ppa_sim.accuracy.evaluate.simulate_accuracy` on the same design.
Checkpoints are ``torch.save`` dicts of tensors and numbers
(``state_dict``, ``optimizer``, ``epoch``, ``history``, ``rng``), loadable with
``weights_only=True`` and by ``ppa-sim accuracy --weights``.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ppa_sim.accuracy.convert import layer_seed
from ppa_sim.accuracy.layers import CrossbarLayer, crossbar_layer
from ppa_sim.accuracy.options import LayerConfigMap, RuleValue, SimOptions
from ppa_sim.errors import PpaSimError
from ppa_sim.spec import Design

CHECKPOINT_SCHEMA = "ppa_sim.train_checkpoint/1"

#: weight clipping after every step to +-CLIP_SIGMA x the standard deviation of the layer's
#: weights *at the start of training* (the bound of aihwkit's WeightClipParameter LAYER_GAUSSIAN
#: clip, default sigma = 2.5, held fixed like its FIXED_VALUE clip): keeps single large
#: weights from setting the per-layer scale w_max = max|W| and crushing the other weights
#: into few conductance levels, and bounds the weight scale: the hardware error scales with
#: the weights, while the straight-through gradient of the ideal layer keeps growing them to
#: sharpen the ideal logits, which without a bound makes the hardware loss diverge
CLIP_SIGMA = 2.5

#: default learning rates per optimizer: the usual starting points of the torch docs'
#: examples / Kingma & Ba (Adam, ICLR 2015: 1e-3); SGD 0.05 with momentum 0.9 (our choice
#: for fine-tuning small converted models, overridable)
DEFAULT_LR = {"sgd": 0.05, "adam": 1e-3}


@dataclass(frozen=True)
class EpochRecord:
    """One epoch of training."""

    epoch: int
    """1-based epoch number."""
    loss: float
    """Mean training loss over the epoch (on the hardware forward pass)."""
    train_accuracy: float
    """Training accuracy over the epoch (on the hardware forward pass)."""
    seconds: float


@dataclass(frozen=True)
class TrainResult:
    """The trained model and how training went."""

    model: nn.Module
    """A copy of the input model with the trained weights (plain torch layers)."""
    history: tuple[EpochRecord, ...]
    epochs: int
    """Epochs done in total (including those of a resumed checkpoint)."""
    hardware_aware: bool
    architecture: str = ""
    checkpoint: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


class HwAwareLayer(nn.Module):
    """A conv/linear layer whose forward value comes from a crossbar model (STE backward).

    ``weight`` and ``bias`` are ordinary parameters (same names as the wrapped
    module, so state_dicts stay compatible); the crossbar copy is re-programmed
    with the current weights and a new chip instance on every training step.
    """

    def __init__(self, module: nn.Module, name: str, design: Design,
                 options: SimOptions) -> None:
        super().__init__()
        self.name = name
        self.weight = nn.Parameter(module.weight.detach().clone())
        self.bias = (nn.Parameter(module.bias.detach().clone())
                     if module.bias is not None else None)
        self.is_conv = isinstance(module, nn.Conv2d)
        if self.is_conv:
            self.stride, self.padding = module.stride, module.padding
            self.dilation, self.groups = module.dilation, module.groups
        # kept out of the module tree: its buffers must not enter the state_dict
        object.__setattr__(self, "xbar", crossbar_layer(module, name, design, options))
        self.hardware = True
        self.step_seed = 0

    def _ideal(self, x: torch.Tensor) -> torch.Tensor:
        if self.is_conv:
            return F.conv2d(x, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups)
        return F.linear(x, self.weight, self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self._ideal(x)
        if not self.hardware:
            return y
        xb: CrossbarLayer = self.xbar  # type: ignore[assignment]
        with torch.no_grad():
            xb.weight.copy_(self.weight.detach())
            if xb.bias is not None and self.bias is not None:
                xb.bias.copy_(self.bias.detach())
            xb.program(self.step_seed)
            y_hw = xb(x.detach())
        return y + (y_hw - y).detach()


def hw_aware_model(model: nn.Module, design: Design, *, options: SimOptions | None = None,
                   overrides: LayerConfigMap | Mapping[str, RuleValue | str] | None = None,
                   digital: Iterable[str] = ()) -> nn.Module:
    """A deep copy of ``model`` whose conv/linear layers are :class:`HwAwareLayer`."""
    cfg = LayerConfigMap.build(options, overrides, digital)
    out = copy.deepcopy(model)
    for name, m in [(n, m) for n, m in out.named_modules()
                    if isinstance(m, (nn.Conv2d, nn.Linear))]:
        opts = cfg.resolve(name, m)
        if opts is None:
            continue
        parent_name, _, child = name.rpartition(".")
        parent = out.get_submodule(parent_name) if parent_name else out
        setattr(parent, child, HwAwareLayer(m, name, design, opts))
    return out


def hw_layers(model: nn.Module) -> list[HwAwareLayer]:
    return [m for m in model.modules() if isinstance(m, HwAwareLayer)]


# ----------------------------------------------------------------------------- data


def _train_batches(data: Any, batch_size: int, gen: torch.Generator
                   ) -> Callable[[], list[tuple[torch.Tensor, torch.Tensor]]]:
    """A function returning one epoch's batches (a data set name or tensors: reshuffled
    with ``gen``; any other iterable: used as it comes)."""
    if isinstance(data, str):
        from ppa_sim.accuracy.data import dataset_split

        x, y = dataset_split(data, "train").tensors
    elif isinstance(data, tuple) and len(data) == 2 and all(isinstance(t, torch.Tensor)
                                                          for t in data):
        x, y = data
    else:
        def it() -> list[tuple[torch.Tensor, torch.Tensor]]:
            out = []
            for item in data:
                if not (isinstance(item, (tuple, list)) and len(item) >= 2):
                    raise PpaSimError("data must yield (inputs, labels) batches")
                out.append((item[0], item[1]))
            return out

        return it
    if len(x) == 0:
        raise PpaSimError("the training data set is empty")

    def shuffled() -> list[tuple[torch.Tensor, torch.Tensor]]:
        perm = torch.randperm(len(x), generator=gen)
        return [(x[perm[i:i + batch_size]], y[perm[i:i + batch_size]])
                for i in range(0, len(x), batch_size)]

    return shuffled


def _optimizer(name_or_factory: str | Callable[..., torch.optim.Optimizer],
               params: Iterable[nn.Parameter], lr: float | None, momentum: float,
               weight_decay: float) -> torch.optim.Optimizer:
    if callable(name_or_factory):
        return name_or_factory(params)
    name = str(name_or_factory).lower()
    if name not in DEFAULT_LR:
        raise PpaSimError(f"unknown optimizer {name_or_factory!r}; allowed: "
                          f"{', '.join(DEFAULT_LR)} or a factory params -> Optimizer")
    lr = DEFAULT_LR[name] if lr is None else lr
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)


# ----------------------------------------------------------------------------- checkpoints


def save_checkpoint(path: str | Path, *, model: nn.Module, optimizer: torch.optim.Optimizer,
                    epoch: int, history: Iterable[EpochRecord], gen: torch.Generator,
                    meta: Mapping[str, Any]) -> Path:
    """Write a checkpoint (atomically: a temporary file renamed into place)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    torch.save({"schema": CHECKPOINT_SCHEMA, "state_dict": model.state_dict(),
                "optimizer": optimizer.state_dict(), "epoch": int(epoch),
                "history": [asdict(h) for h in history], "rng": gen.get_state(),
                "meta": dict(meta)}, tmp)
    tmp.replace(p)
    return p


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """A checkpoint written by :func:`save_checkpoint` (loaded with weights_only=True)."""
    p = Path(path)
    try:
        ck = torch.load(p, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise PpaSimError(f"{p}: checkpoint not found") from None
    except Exception as e:
        raise PpaSimError(f"{p}: cannot read checkpoint: {e}") from e
    if not isinstance(ck, dict) or ck.get("schema") != CHECKPOINT_SCHEMA:
        raise PpaSimError(f"{p}: not a ppa_sim training checkpoint "
                          f"(schema {CHECKPOINT_SCHEMA})")
    return ck


# ----------------------------------------------------------------------------- train


def train(model: nn.Module, data: Any, design: Design, *, epochs: int = 5,
          optimizer: str | Callable[..., torch.optim.Optimizer] = "sgd",
          lr: float | None = None, momentum: float = 0.9, weight_decay: float = 0.0,
          batch_size: int = 64, options: SimOptions | None = None,
          overrides: LayerConfigMap | Mapping[str, RuleValue | str] | None = None,
          digital: Iterable[str] = (), hardware_aware: bool = True,
          clip_sigma: float | None = CLIP_SIGMA, seed: int = 0,
          checkpoint: str | Path | None = None, resume: bool = False, progress: bool = True,
          on_epoch: Callable[[EpochRecord, nn.Module], None] | None = None) -> TrainResult:
    """Train ``model`` for ``epochs`` (in total, counting a resumed checkpoint's epochs)
    with its conv/linear layers running on ``design``'s crossbars in the forward pass.

    ``data``: a built-in data set name (its ``train`` split, reshuffled every epoch), an
    (inputs, labels) tensor pair, or an iterable of (inputs, labels) batches.
    ``optimizer``: ``'sgd'`` (with ``momentum``), ``'adam'``, or a factory
    ``params -> torch.optim.Optimizer``. ``options``/``overrides``/``digital`` choose the
    simulated effects per layer exactly as :func:`ppa_sim.accuracy.convert` does.
    ``hardware_aware=False`` trains in plain floating point (the baseline).
    ``clip_sigma``: after every step clip each crossbar layer's weights to
    ±clip_sigma x the standard deviation its weights had at the start (None: no clipping).
    ``checkpoint``: written after every epoch; with ``resume`` an existing one is
    loaded first (model, optimizer, epoch, history, data-order generator).
    """
    if epochs < 0:
        raise PpaSimError(f"epochs must be >= 0, got {epochs}")
    if batch_size < 1:
        raise PpaSimError(f"batch_size must be >= 1, got {batch_size}")
    net = hw_aware_model(model, design, options=options, overrides=overrides, digital=digital)
    layers = hw_layers(net)
    if hardware_aware and not layers:
        raise PpaSimError("no conv/linear layer runs on the crossbars (all digital?)")
    for m in layers:
        m.hardware = hardware_aware
    gen = torch.Generator().manual_seed(int(seed))
    opt = _optimizer(optimizer, net.parameters(), lr, momentum, weight_decay)
    history: list[EpochRecord] = []
    start = 0
    meta = {"architecture": design.arch.name, "device": design.tech.device.name,
            "hardware_aware": hardware_aware, "seed": seed, "clip_sigma": clip_sigma,
            "batch_size": batch_size,
            "optimizer": optimizer if isinstance(optimizer, str) else "custom"}
    if resume and checkpoint is not None and Path(checkpoint).exists():
        ck = load_checkpoint(checkpoint)
        try:
            net.load_state_dict(ck["state_dict"])
        except RuntimeError as e:
            raise PpaSimError(f"{checkpoint}: checkpoint does not fit the model: {e}") from None
        opt.load_state_dict(ck["optimizer"])
        start = int(ck["epoch"])
        history = [EpochRecord(**h) for h in ck.get("history", [])]
        gen.set_state(ck["rng"])
        saved = ck.get("meta", {}).get("clip_bounds")
    else:
        saved = None
    # the clip bounds are those of the weights at the very start; a resumed run reuses the
    # checkpoint's (recomputing them from the resumed weights would clip differently)
    if saved is not None and clip_sigma == ck["meta"].get("clip_sigma") \
            and len(saved) == len(layers):
        bounds = [None if b is None else float(b) for b in saved]
    else:
        bounds = _clip_bounds(layers, clip_sigma)
    meta["clip_bounds"] = bounds
    epoch_batches = _train_batches(data, batch_size, gen)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(start, epochs):
        batches = epoch_batches()
        if not batches:
            raise PpaSimError("the training data set is empty")
        net.train()
        t0 = time.perf_counter()
        tot_loss, correct, seen = 0.0, 0, 0
        with tqdm(batches, desc=f"epoch {epoch + 1}/{epochs}", unit="batch",
                  disable=not progress, leave=False) as bar:
            for i, (x, y) in enumerate(bar):
                step = epoch * len(batches) + i
                for m in layers:  # a new simulated chip (and read-noise stream) per step
                    m.step_seed = layer_seed(seed * 1_000_003 + step, m.name)
                opt.zero_grad(set_to_none=True)
                out = net(x)
                loss = loss_fn(out, y)
                if not math.isfinite(float(loss.detach())):
                    raise PpaSimError(f"training diverged at epoch {epoch + 1} (loss "
                                      f"{float(loss.detach())}); lower the learning rate")
                loss.backward()
                opt.step()
                _clip(layers, bounds)
                n = int(y.numel())
                tot_loss += float(loss.detach()) * n
                correct += int((out.argmax(-1) == y).sum())
                seen += n
                bar.set_postfix(loss=f"{tot_loss / seen:.4f}", acc=f"{correct / seen:.3f}")
        rec = EpochRecord(epoch=epoch + 1, loss=tot_loss / seen, train_accuracy=correct / seen,
                          seconds=time.perf_counter() - t0)
        history.append(rec)
        if checkpoint is not None:
            save_checkpoint(checkpoint, model=net, optimizer=opt, epoch=epoch + 1,
                            history=history, gen=gen, meta=meta)
        if on_epoch is not None:
            on_epoch(rec, _plain(model, net))
    return TrainResult(model=_plain(model, net), history=tuple(history),
                       epochs=max(start, epochs), hardware_aware=hardware_aware,
                       architecture=design.arch.name,
                       checkpoint=None if checkpoint is None else str(checkpoint), meta=meta)


def _clip_bounds(layers: Iterable[HwAwareLayer], k: float | None) -> list[float | None]:
    out: list[float | None] = []
    for m in layers:
        lim = k * float(m.weight.detach().std()) if (k is not None
                                                      and m.weight.numel() > 1) else 0.0
        out.append(lim if lim > 0 else None)
    return out


@torch.no_grad()
def _clip(layers: Iterable[HwAwareLayer], bounds: Iterable[float | None]) -> None:
    for m, lim in zip(layers, bounds, strict=True):
        if lim is not None:
            m.weight.clamp_(-lim, lim)


def _plain(original: nn.Module, net: nn.Module) -> nn.Module:
    """A copy of the original model carrying ``net``'s trained weights."""
    out = copy.deepcopy(original)
    out.load_state_dict(net.state_dict())
    return out.eval()


__all__ = ["CHECKPOINT_SCHEMA", "EpochRecord", "HwAwareLayer", "TrainResult", "hw_aware_model",
           "load_checkpoint", "save_checkpoint", "train"]
