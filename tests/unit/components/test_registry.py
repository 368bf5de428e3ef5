"""The component registry: lookup, unknown kinds, and entry-point plug-ins."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint

import pytest

from ppa_sim.components import registry
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec
from ppa_sim.spec.load import load_node


def test_unknown_kind_lists_known_ones() -> None:
    with pytest.raises(ConfigError) as exc:
        registry.get("adc", "sigma_delta", key_path="subarray.adc.kind")
    msg = str(exc.value)
    assert "subarray.adc.kind" in msg and "sigma_delta" in msg
    for kind in ("sar", "flash", "mlsa", "ramp", "cco"):
        assert kind in msg


def test_double_registration_is_an_error() -> None:
    def a(*args, **kw):  # pragma: no cover - never called
        raise AssertionError

    registry.register("adc", "_twice_test")(a)
    try:
        with pytest.raises(ValueError, match="registered twice"):
            registry.register("adc", "_twice_test")(lambda *x, **k: None)
        registry.register("adc", "_twice_test")(a)  # same function again is fine
    finally:
        registry.unregister("adc", "_twice_test")
    assert "_twice_test" not in registry.kinds("adc")


PLUGIN_SOURCE = """
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost


@register("adc", "tiny_plugin_adc")
def tiny_adc(spec, node, *, calibration=None):
    # a 'new ADC topology': 1 fJ per output level, 10 um2 per bit
    return ComponentCost(area_um2=10.0 * spec.bits,
                         actions={"convert": ActionCost(2 ** spec.bits * 1e-3, 1.0)})
"""


def test_entry_point_plugin_adds_a_kind(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A plug-in package names a module in the ``ppa_sim.components`` entry-point
    group; importing it registers its models, selectable by name like built-ins."""
    (tmp_path / "tiny_ppa_plugin.py").write_text(PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = EntryPoint(name="tiny", value="tiny_ppa_plugin", group=registry.ENTRY_POINT_GROUP)

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return [ep] if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    monkeypatch.delitem(sys.modules, "tiny_ppa_plugin", raising=False)
    try:
        assert registry.load_plugins(force=True) == ["tiny"]
        assert "tiny_plugin_adc" in registry.kinds("adc")
        fn = registry.get("adc", "tiny_plugin_adc", key_path="subarray.adc.kind")
        c = fn(AdcSpec(kind="tiny_plugin_adc", bits=4), load_node("22nm"))
        assert c.energy_pj("convert") == pytest.approx(0.016)
        assert c.area_um2 == pytest.approx(40.0)
    finally:
        registry.unregister("adc", "tiny_plugin_adc")
        sys.modules.pop("tiny_ppa_plugin", None)
    assert "tiny_plugin_adc" not in registry.kinds("adc")


def test_broken_plugin_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        name, value = "broken", "no_such_module_xyz"

        def load(self) -> object:
            raise ModuleNotFoundError("No module named 'no_such_module_xyz'")

    monkeypatch.setattr(registry, "entry_points", lambda *, group: [Broken()])
    with pytest.raises(ConfigError, match="broken"):
        registry.load_plugins(force=True)


def test_groups_cover_the_contract() -> None:
    assert {"array", "adc", "dac", "decoder", "mux", "digital", "buffer",
            "interconnect"} <= set(registry.groups())
