"""Errors a user can act on.

Every user-facing failure (bad YAML, unknown key, impossible design, a layer
that cannot map) is a :class:`PpaSimError`. The CLI prints its message and
exits non-zero without a traceback; anything else is a bug and does show one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem found in one input file."""

    file: str | None
    key_path: str
    message: str
    value: object = None
    allowed: str | None = None
    line: int | None = None

    def format(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [f"{where}: {self.key_path or '<root>'}: {self.message}"]
        if self.value is not None:
            parts.append(f"got {self.value!r}")
        if self.allowed:
            parts.append(f"allowed: {self.allowed}")
        return "; ".join(parts)


class PpaSimError(Exception):
    """Base class of errors caused by user input (no traceback in the CLI)."""


@dataclass
class ConfigError(PpaSimError):
    """One or more problems in configuration files."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class MappingError(PpaSimError):
    """A layer cannot be mapped onto the given hardware."""


class NetworkError(PpaSimError):
    """A network description or model cannot be read or traced."""
