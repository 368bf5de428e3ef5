"""Weight mapping and dataflow: layers -> subarrays/PEs/tiles -> event counts.

* :mod:`ppa_sim.mapping.partition` -- one layer's weights cut into subarray
  tiles (shared with the accuracy path).
* :mod:`ppa_sim.mapping.planner` -- duplication and tile allocation per layer,
  chip sizing (:func:`plan`; :class:`Planner` plans one network for several bounds on
  the automatic copies).
* :mod:`ppa_sim.mapping.schedule` -- per-layer event counts (:func:`schedule`;
  :class:`Scheduler` keeps them across the plans of one network).
* :mod:`ppa_sim.mapping.neurosim` -- DNN+NeuroSim V1.4's duplication / floorplan rule
  (``mapping.duplication: neurosim``).
"""

from ppa_sim.mapping.neurosim import NeuroSimFloorplan, neurosim_floorplan
from ppa_sim.mapping.partition import Partition, layer_policy, partition
from ppa_sim.mapping.planner import LayerMap, Plan, Planner, plan
from ppa_sim.mapping.schedule import LayerEvents, Scheduler, schedule

__all__ = ["LayerEvents", "LayerMap", "NeuroSimFloorplan", "Partition", "Plan", "Planner",
           "Scheduler", "layer_policy", "neurosim_floorplan", "partition", "plan", "schedule"]
