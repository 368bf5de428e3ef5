"""Weight mapping and dataflow: layers -> subarrays/PEs/tiles -> event counts.

* :mod:`ppa_sim.mapping.partition` -- one layer's weights cut into subarray
  tiles (shared with the accuracy path).
* :mod:`ppa_sim.mapping.planner` -- duplication and tile allocation per layer,
  chip sizing (:func:`plan`).
* :mod:`ppa_sim.mapping.schedule` -- per-layer event counts (:func:`schedule`).
"""

from ppa_sim.mapping.partition import Partition, partition
from ppa_sim.mapping.planner import LayerMap, Plan, plan
from ppa_sim.mapping.schedule import LayerEvents, schedule

__all__ = ["LayerEvents", "LayerMap", "Partition", "Plan", "partition", "plan", "schedule"]
