"""Networks: layer descriptions, the zoo, and importers (torch, ONNX, NeuroSim csv).

``zoo.get(name)``, ``load.load_network(ref)`` (zoo name, .py, .onnx, .csv, nn.Module),
``torch_import.from_torch``, ``onnx_import.from_onnx``, ``csv_import.from_csv``; the
torch definitions of the zoo networks are in ``models`` (imports torch).
"""

from ppa_sim.network.layer import WEIGHT_KINDS, Layer, Network, conv_out

__all__ = ["WEIGHT_KINDS", "Layer", "Network", "conv_out"]
