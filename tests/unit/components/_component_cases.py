"""Shared inputs of the component-model tests: every node and device in technology/."""

from __future__ import annotations

from functools import cache

from ppa_sim.spec.load import device_files, load_device, load_node, node_files
from ppa_sim.spec.technology import CmosNode, DeviceSpec, Technology

NODE_NAMES = sorted(node_files(), key=lambda n: load_node(n).feature_size_nm)
DEVICE_NAMES = sorted(device_files())


@cache
def all_nodes() -> dict[str, CmosNode]:
    return {n: load_node(n) for n in NODE_NAMES}


@cache
def all_devices() -> dict[str, DeviceSpec]:
    return {d: load_device(d) for d in DEVICE_NAMES}


def tech(node: CmosNode, device: DeviceSpec) -> Technology:
    return Technology(node=node, device=device)
