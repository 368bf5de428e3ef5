"""The sweep results store: one SQLite file, one row per design point.

Crash safety comes from SQLite itself: the database runs in WAL journal mode
and every finished point is committed in its own transaction, so killing the
writer at any moment (SIGKILL included) loses at most the points that were
still being evaluated; the file never needs repair. (With ``synchronous=NORMAL``
an operating-system crash or power cut may also roll back the last few
commits -- still a consistent store, and a rerun evaluates those points again.) The hash of the sweep
spec (and of the base architecture it expands) is stored with the results; a
rerun with a different spec into the same file is refused unless asked for.

Only the process running the sweep writes (workers send results back to it).
Readers (``ppa-sim report``, :class:`ResultStore` opened read-only) may read
while a sweep is running.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppa_sim.errors import PpaSimError

SCHEMA_VERSION = 1
STATUSES = ("ok", "invalid", "error")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS points (
    point_id    TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL,
    network     TEXT NOT NULL,
    params      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'invalid', 'error')),
    error       TEXT,
    feasible    INTEGER,
    totals      TEXT NOT NULL DEFAULT '{}',
    breakdown   TEXT NOT NULL DEFAULT '{}',
    eval_s      REAL,
    finished_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS points_network ON points (network);
"""


class StoreError(PpaSimError):
    """The results store cannot be used as asked (different spec, not a store, ...)."""


@dataclass(frozen=True)
class PointResult:
    """What evaluating one design point produced (one store row)."""

    point_id: str
    network: str
    params: Mapping[str, Any]
    status: str
    """``ok``; ``invalid`` (the design failed validation/mapping: a user-level reason);
    ``error`` (the evaluator crashed: a bug, message kept for the report)."""
    error: str | None = None
    totals: Mapping[str, float] = field(default_factory=dict)
    breakdown: Mapping[str, Any] = field(default_factory=dict)
    feasible: bool | None = None
    """Meets the metric constraints (None when not evaluated)."""
    eval_s: float = 0.0
    """Seconds spent evaluating (wall clock, in the worker)."""

    def as_row(self) -> dict[str, Any]:
        return {"point_id": self.point_id, "network": self.network, "params": dict(self.params),
                "status": self.status, "error": self.error, "feasible": self.feasible,
                "totals": dict(self.totals), "breakdown": dict(self.breakdown),
                "eval_s": self.eval_s}


def _json(obj: Any) -> str:
    def clean(v: Any) -> Any:  # JSON has no NaN/inf: store them as null
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v
    return json.dumps(clean(obj), sort_keys=True, separators=(",", ":"), default=str)


class ResultStore:
    """A sweep's SQLite results file.

    ``ResultStore(path)`` opens (creating if missing) a store;
    ``ResultStore(path, readonly=True)`` opens an existing one for reading.
    ``":memory:"`` gives a throw-away store (sweeps without ``out=``).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout_s: float = 30.0):
        self.path = str(path)
        self.readonly = readonly
        if readonly:
            if self.path == ":memory:" or not Path(self.path).is_file():
                raise StoreError(f"{self.path}: no such results store")
            uri = f"{Path(self.path).resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, timeout=timeout_s)
        else:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        try:
            if not readonly:
                self._db.execute("PRAGMA journal_mode=WAL")
                # NORMAL (SQLite docs, "PRAGMA synchronous": in WAL mode the database is
                # never corrupted; a committed transaction survives the process being
                # killed, only an OS crash / power cut may roll back the last commits).
                # FULL would add an fsync per point: ~4 ms each here, more than an estimate.
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_DDL)
                if self._meta("schema_version") is None:
                    self._set_meta("schema_version", str(SCHEMA_VERSION))
            version = self._meta("schema_version")
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(f"{self.path}: not a ppa_sim results store ({e})") from None
        if version is None or int(version) > SCHEMA_VERSION:
            self._db.close()
            raise StoreError(f"{self.path}: not a ppa_sim results store of a known version "
                             f"(found {version!r}, this ppa_sim reads {SCHEMA_VERSION})")

    # ------------------------------------------------------------------ context
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ meta
    def _meta(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def spec_hash(self) -> str | None:
        return self._meta("spec_hash")

    def spec(self) -> dict[str, Any]:
        """The sweep spec the results came from (``{}`` if none was recorded)."""
        text = self._meta("spec")
        return json.loads(text) if text else {}

    def base(self) -> dict[str, Any]:
        """The base architecture the sweep expanded: ``{"path": ..., "raw": {...}}``."""
        text = self._meta("base")
        return json.loads(text) if text else {}

    def bind_spec(self, spec: Mapping[str, Any], spec_hash: str, *,
                  allow_different: bool = False, base: Mapping[str, Any] | None = None) -> bool:
        """Record the sweep spec (and its ``base`` architecture); refuse a different
        spec unless ``allow_different``.

        Returns True when the store already held results of a different spec
        (and ``allow_different`` let the sweep go on).
        """
        old = self.spec_hash()
        if old is not None and old != spec_hash:
            if not allow_different:
                raise StoreError(
                    f"{self.path} holds {self.count()} result(s) of a different sweep spec "
                    f"(hash {old}, this spec {spec_hash}). Use another --out file, delete "
                    "this one, or pass --force to add to it (points already present, "
                    "identified by network + parameters, are kept and skipped).")
        with self._tx():
            if old is not None and old != spec_hash:
                hist = json.loads(self._meta("spec_history") or "[]")
                hist.append({"spec_hash": old, "replaced_at": time.time()})
                self._set_meta("spec_history", _json(hist))
            self._set_meta("spec_hash", spec_hash)
            self._set_meta("spec", _json(spec))
            if base is not None:
                self._set_meta("base", _json(base))
            if self._meta("created_at") is None:
                self._set_meta("created_at", repr(time.time()))
        return old is not None and old != spec_hash

    # ------------------------------------------------------------------ writes
    class _Tx:
        def __init__(self, db: sqlite3.Connection):
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self) -> ResultStore._Tx:
        return ResultStore._Tx(self._db)

    def add(self, result: PointResult) -> None:
        """Write one point in its own transaction (replacing an earlier row of that id)."""
        if result.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {result.status!r}")
        with self._tx():
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM points").fetchone()[0]
            self._db.execute(
                "INSERT OR REPLACE INTO points (point_id, seq, network, params, status, error,"
                " feasible, totals, breakdown, eval_s, finished_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (result.point_id, seq, result.network, _json(result.params), result.status,
                 result.error, None if result.feasible is None else int(result.feasible),
                 _json(result.totals), _json(result.breakdown), result.eval_s, time.time()))

    # ------------------------------------------------------------------ reads
    def done_ids(self, *, retry_errors: bool = False) -> set[str]:
        """Ids of finished points (``retry_errors``: leave out those that crashed)."""
        q = "SELECT point_id FROM points"
        if retry_errors:
            q += " WHERE status != 'error'"
        return {r[0] for r in self._db.execute(q)}

    def count(self, status: str | None = None) -> int:
        if status is None:
            return self._db.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        return self._db.execute("SELECT COUNT(*) FROM points WHERE status = ?",
                                (status,)).fetchone()[0]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for status, n in self._db.execute("SELECT status, COUNT(*) FROM points GROUP BY status"):
            out[status] = n
        return out

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        for r in self._db.execute("SELECT * FROM points ORDER BY seq"):
            yield {"point_id": r["point_id"], "network": r["network"],
                   "params": json.loads(r["params"]), "status": r["status"],
                   "error": r["error"],
                   "feasible": None if r["feasible"] is None else bool(r["feasible"]),
                   "totals": json.loads(r["totals"]), "breakdown": json.loads(r["breakdown"]),
                   "eval_s": r["eval_s"], "finished_at": r["finished_at"]}

    def rows(self) -> list[dict[str, Any]]:
        """Every point in the order it finished: point_id, network, params (dotted key ->
        value), status, error, feasible, totals, breakdown, eval_s, finished_at."""
        return list(self.iter_rows())

    def integrity_check(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` (``"ok"`` for a sound file)."""
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]
