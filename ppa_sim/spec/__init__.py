"""Input specifications (pydantic): technology, architecture, and their loader."""

from ppa_sim.spec.architecture import (
    AdcSpec,
    Architecture,
    BufferSpec,
    CellSpec,
    ChipSpec,
    DacSpec,
    Design,
    InterconnectSpec,
    MappingSpec,
    PeSpec,
    SubarraySpec,
    TileSpec,
    WeightSpec,
)
from ppa_sim.spec.load import load_design, load_device, load_node
from ppa_sim.spec.technology import CmosNode, DeviceSpec, Technology, UpdateSpec

__all__ = [
    "AdcSpec", "Architecture", "BufferSpec", "CellSpec", "ChipSpec", "CmosNode", "DacSpec",
    "Design", "DeviceSpec", "InterconnectSpec", "MappingSpec", "PeSpec", "SubarraySpec",
    "Technology", "TileSpec", "UpdateSpec", "WeightSpec", "load_design", "load_device",
    "load_node",
]
