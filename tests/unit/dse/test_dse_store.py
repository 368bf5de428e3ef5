"""The SQLite results store: writes, reads, spec binding, read-only access, integrity."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from ppa_sim.dse.store import PointResult, ResultStore, StoreError


def _res(i: int, status: str = "ok", **kw: object) -> PointResult:
    return PointResult(point_id=f"p{i}", network="vgg8", params={"subarray.rows": 64 * (i + 1)},
                       status=status, totals={"area_mm2": 1.0 + i, "energy_uj": 2.0 / (i + 1)},
                       breakdown={"area_mm2": {"array": 0.5 + i, "adc": 0.5}},
                       feasible=True if status == "ok" else None, **kw)  # type: ignore[arg-type]


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as st:
        assert st.bind_spec({"name": "x"}, "h1") is False
        st.add(_res(0))
        st.add(_res(1, status="invalid", error="subarray.cols: must be a multiple"))
        assert st.count() == 2 and st.counts() == {"ok": 1, "invalid": 1, "error": 0}
    with ResultStore(path, readonly=True) as st:
        rows = st.rows()
        assert st.spec() == {"name": "x"} and st.spec_hash() == "h1"
        assert st.integrity_check() == "ok"
    assert [r["point_id"] for r in rows] == ["p0", "p1"]
    r0 = rows[0]
    assert r0["params"] == {"subarray.rows": 64}
    assert r0["totals"] == {"area_mm2": 1.0, "energy_uj": 2.0}
    assert r0["breakdown"]["area_mm2"] == {"array": 0.5, "adc": 0.5}
    assert r0["status"] == "ok" and r0["error"] is None and r0["feasible"] is True
    assert rows[1]["status"] == "invalid" and "multiple" in rows[1]["error"]
    assert rows[1]["feasible"] is None


def test_wal_mode_and_one_row_per_point(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as st:
        st.bind_spec({}, "h")
        st.add(_res(0))
        st.add(_res(0, status="error", error="boom"))  # a retried point replaces its row
        assert st.count() == 1 and st.rows()[0]["status"] == "error"
        assert st.done_ids() == {"p0"} and st.done_ids(retry_errors=True) == set()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_different_spec_refused_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as st:
        st.bind_spec({"a": 1}, "h1")
        st.add(_res(0))
    with ResultStore(path) as st:
        assert st.bind_spec({"a": 1}, "h1") is False  # same spec: fine
        with pytest.raises(StoreError, match="different sweep spec.*--force"):
            st.bind_spec({"a": 2}, "h2")
        assert st.spec_hash() == "h1"
        assert st.bind_spec({"a": 2}, "h2", allow_different=True) is True
        assert st.spec_hash() == "h2" and st.count() == 1


def test_non_finite_totals_stored_as_null(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "r.sqlite") as st:
        st.add(PointResult(point_id="p", network="n", params={}, status="ok",
                           totals={"tops_per_w": math.inf, "area_mm2": 1.0}))
        assert st.rows()[0]["totals"] == {"tops_per_w": None, "area_mm2": 1.0}


def test_bad_status_and_bad_files(tmp_path: Path) -> None:
    with ResultStore(":memory:") as st, pytest.raises(ValueError, match="status"):
        st.add(_res(0, status="done"))
    with pytest.raises(StoreError, match="no such results store"):
        ResultStore(tmp_path / "missing.sqlite", readonly=True)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a ppa_sim results store"):
        ResultStore(junk)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a ppa_sim results store"):
        ResultStore(other, readonly=True)


def test_reader_sees_writes_while_writer_open(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as w:
        w.bind_spec({}, "h")
        w.add(_res(0))
        with ResultStore(path, readonly=True) as r:
            assert r.count() == 1
            w.add(_res(1))
            assert r.count() == 2
