"""Fixtures for the component-model tests."""

from __future__ import annotations

import pytest
from _component_cases import all_devices, all_nodes

from ppa_sim.spec.technology import CmosNode, DeviceSpec


@pytest.fixture(scope="session")
def nodes() -> dict[str, CmosNode]:
    return all_nodes()


@pytest.fixture(scope="session")
def devices() -> dict[str, DeviceSpec]:
    return all_devices()
