"""Published bounds on the IBM HERMES core's area and read point that ppa_sim's model of it
must respect while the core-area anchor (hermes.core.tops_mm2) is a known gap.

Sources: R. Khaddam-Aljameh et al., "HERMES-Core", IEEE JSSC 57(4), 2022 (Sec. V-C, Table I:
1.008 TOPS peak at 1.59 TOPS/mm², so a 0.634 mm² core); A. Singh et al., "The design of
analogue in-memory computing tiles", Nat. Electron. 2025 (in dense 256 x 256 PCM arrays the
ADCs and support circuits take over 40 % of the area); V. Joshi et al., Nat. Commun. 11, 2473
(2020) and M. Le Gallo et al., Nat. Electron. 6, 680 (2023) (weights mapped as
G = W G_max / W_max on one device polarity, G_max = 25 µS per device).
"""

from __future__ import annotations

import pytest

from ppa_sim import validation
from ppa_sim.api import load_design
from ppa_sim.components import get

#: Measured core area (mm²): 1.008 TOPS / 1.59 TOPS/mm² (JSSC 2022, Sec. V-C, Table I).
CORE_MM2 = 1.008 / 1.59
#: ADCs and support circuits take > 40 % of a dense 256 x 256 PCM tile (Singh et al. 2025).
PERIPHERY_SHARE_MIN = 0.40
#: One PCM device's maximum conductance (S) in IBM's weight mapping (Joshi et al. 2020).
G_MAX_DEVICE_S = 25e-6


@pytest.fixture(scope="module")
def macro() -> validation.MacroFigures:
    d = load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml",
                    validation.MACRO_OVERRIDES)
    return validation.macro_figures(d)


def test_modelled_core_never_exceeds_the_measured_core(macro):
    # ppa_sim's core is the sum of the blocks it models at their minimum layout (cell row
    # at one library row height, ADCs from their parts): a lower bound of the silicon
    assert macro.area_um2 * 1e-6 <= CORE_MM2


def test_array_leaves_the_published_periphery_share(macro):
    # the cell matrix may take at most 60 % of the 0.634 mm² core; a cell geometry change
    # that breaks this bound contradicts IBM's published area split
    array_mm2 = macro.area_breakdown_um2["array"] * 1e-6
    assert array_mm2 <= (1.0 - PERIPHERY_SHARE_MIN) * CORE_MM2
    # and the array is still pitch-matched to the 256 ADCs at 4 µm (JSSC 2022 abstract):
    # its height is what the sources leave open, between one library row per unit cell
    # and the bound above
    d = load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml")
    arr = get("array", "1t1r")(d.arch.subarray, d.tech, activity=d.arch.activity)
    h_max_um = (1.0 - PERIPHERY_SHARE_MIN) * CORE_MM2 * 1e6 / arr.info["width_um"]
    assert arr.info["width_um"] == pytest.approx(256 * 4.0)
    assert 0.0 < arr.info["height_um"] <= h_max_um


def test_polarity_conductance_is_two_devices_at_the_published_g_max():
    # one ppa_sim cell = one polarity of the 8T4R unit cell = two PCM devices in parallel,
    # each up to G_max = 25 µS (the weight mapping of Joshi 2020 / Le Gallo 2023)
    d = load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml")
    assert d.tech.device.g_on_s == pytest.approx(2 * G_MAX_DEVICE_S)
