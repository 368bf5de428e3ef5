"""Networks: layer descriptions, the zoo, and importers (torch, ONNX, NeuroSim CSV)."""

from ppa_sim.network.layer import WEIGHT_KINDS, Layer, Network, conv_out

__all__ = ["WEIGHT_KINDS", "Layer", "Network", "conv_out"]
