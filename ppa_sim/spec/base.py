"""Base class of every input model: frozen, unknown keys rejected."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    """An input specification read from YAML.

    Frozen (hashable, safe to cache on) and strict about keys: a typo in a
    YAML file is an error naming the key, never a silently ignored setting.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
        allow_inf_nan=False,  # .inf / .nan in a config is a typo, never a physical value
    )
