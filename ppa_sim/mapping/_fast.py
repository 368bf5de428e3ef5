"""Fast keyword construction of plain frozen dataclasses (estimator hot paths).

A frozen dataclass's generated ``__init__`` calls ``object.__setattr__`` once per
field; on deep networks (ResNet-50: 175 layers, ~1000 cost-tree nodes) building the
plan, the events, the cost tree and the per-layer results that way was most of an
estimate's time. :func:`fast_init` returns a constructor that fills ``__dict__``
directly when every field is given, and falls back to the class itself otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def fast_init(cls: type[T]) -> Callable[..., T]:
    """Keyword constructor of ``cls`` equivalent to ``cls(**kw)``.

    The fast path is taken only when every field is passed and ``cls`` has no
    ``__post_init__``, no ``__slots__`` and no ``init=False`` field (checked once,
    here); otherwise ``cls`` itself is returned / called.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if (hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__
            or any(not f.init for f in fields)):
        return cls
    names = frozenset(f.name for f in fields)
    new = object.__new__

    def make(**kw: Any) -> T:
        if kw.keys() != names:
            return cls(**kw)
        obj = new(cls)
        obj.__dict__.update(kw)
        return obj

    return make


def renamed(obj: T, field: str, value: Any) -> T:
    """A copy of frozen dataclass ``obj`` with one field changed, without ``__init__``
    (``dataclasses.replace`` re-runs it). Cached properties already computed are kept,
    so only use it for a field no cached property depends on (a name)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__[field] = value
    return new
