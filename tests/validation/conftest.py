"""Shared fixture: every published anchor evaluated once per test session (~5 s)."""

from __future__ import annotations

import pytest

from ppa_sim import validation


@pytest.fixture(scope="session")
def results() -> dict[str, validation.AnchorResult]:
    return {r.anchor.id: r for r in validation.evaluate()}
