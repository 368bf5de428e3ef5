"""Every command, fed wrong input the way users really get it wrong: one clear message
(file, key path, bad value, what is allowed) on stderr, a non-zero exit code, no traceback.

Runs ``ppa_sim.cli.main`` in-process (the console script is a thin wrapper around it);
an exception escaping ``main`` is exactly a traceback the user would see, so the test
fails on it. argparse usage errors exit with 2, user errors with 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppa_sim import cli

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ARCH = (ROOT / "architectures" / "default.yaml").read_text(encoding="utf-8")
RRAM = (ROOT / "technology" / "devices" / "rram.yaml").read_text(encoding="utf-8")

#: name -> file contents (str: text, bytes: binary) written into a scratch folder.
FILES: dict[str, str | bytes] = {
    "neg_r.yaml": RRAM.replace("r_on_ohm: 100.0e3 ", "r_on_ohm: -100.0e3"),
    "unknown_key.yaml": DEFAULT_ARCH.replace("  pes: 4 ", "  pez: 4 "),
    "syntax.yaml": "name: x\nsubarray: {rows: 128\ncols: [\n",
    "missing_dev.yaml": DEFAULT_ARCH.replace("device: rram  ", "device: nosuch"),
    "wrong_type.yaml": DEFAULT_ARCH.replace("rows: 128 ", "rows: many"),
    "bad_adc_kind.yaml": DEFAULT_ARCH.replace("kind: sar, bits: 5", "kind: sarr, bits: 5"),
    "empty.yaml": "",
    "binary.yaml": bytes(range(256)) * 4,
    "list.yaml": "- 1\n- 2\n",
    "what.yaml": "colour: blue\n",
    "net.txt": "just some text\n",
    "bad.csv": "not,a,neurosim\nfile\n",
    "crash.py": "x = 1 / 0\n",
    "nofactory.py": "X = 1\n",
    "notmodule.py": "def model():\n    return 42\n",
    "corrupt.onnx": bytes(range(200)),
    "act_syntax.json": "not json",
    "act_layer.json": json.dumps({"schema": "ppa_sim.activity/1",
                                  "layers": {"nosuch": {"input_bit_density": 0.5}}}),
    "notsqlite.sqlite": "hello",
    "plain_file": "x",
    "weights.txt": "not a state dict",
}
for _name in FILES:
    assert _name.count(".") <= 1


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bad_inputs")
    for name, content in FILES.items():
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    (d / "empty_dir").mkdir()
    return d


# (argv with {d} = scratch folder, {root} = repository, exit code, substrings of stderr)
CASES: list = [
    # ---- validate: every problem names file:line, key, value, what is allowed
    ("validate {d}/neg_r.yaml", 1, ("neg_r.yaml:7", "r_on_ohm", "-100000", "> 0")),
    ("validate {d}/unknown_key.yaml", 1, ("tile.pez", "did you mean 'pes'", "allowed")),
    ("validate {d}/syntax.yaml", 1, ("syntax.yaml:3", "YAML syntax error")),
    ("validate {d}/missing_dev.yaml", 1, ("technology.device", "unknown device 'nosuch'",
                                          "rram")),
    ("validate {d}/wrong_type.yaml", 1, ("subarray.rows", "'many'", "whole number")),
    ("validate {d}/bad_adc_kind.yaml", 1, ("bad_adc_kind.yaml:23", "subarray.adc.kind",
                                           "did you mean 'sar'", "flash")),
    ("validate {d}/empty.yaml", 1, ("file is empty",)),
    ("validate {d}/binary.yaml", 1, ("not a UTF-8 text file",)),
    ("validate {d}/list.yaml", 1, ("top level must be a mapping",)),
    ("validate {d}/what.yaml", 1, ("cannot tell what this file describes",)),
    ("validate {d}/nonexistent.yaml", 1, ("file not found",)),
    ("validate {d}/empty_dir", 1, ("no .yaml files",)),
    ("validate", 2, ("required",)),
    # ---- list
    ("list everything", 2, ("invalid choice",)),
    # ---- estimate: the architecture
    ("estimate nosuch_arch --network vgg8", 1, ("architecture file not found", "default")),
    ("estimate {d}/empty_dir --network vgg8", 1, ("is a folder",)),
    ("estimate {d}/binary.yaml --network vgg8", 1, ("not a UTF-8 text file",)),
    ("estimate {root}/technology/devices/rram.yaml --network vgg8", 1,
     ("device file, not an architecture",)),
    ("estimate {root}/examples/sweep_vgg8.yaml --network vgg8", 1,
     ("sweep file, not an architecture", "ppa-sim sweep")),
    ("estimate {d}/bad_adc_kind.yaml --network vgg8", 1, ("bad_adc_kind.yaml:23",
                                                          "subarray.adc.kind")),
    # ---- estimate: the network
    ("estimate default --network nosuch", 1, ("unknown network 'nosuch'", "vgg8")),
    ("estimate default --network {d}/net.txt", 1, ("unknown network file type '.txt'",)),
    ("estimate default --network {d}/nonexistent.py", 1, ("network file not found",)),
    ("estimate default --network {d}/bad.csv", 1, ("bad.csv", "no layer rows")),
    ("estimate default --network {d}/crash.py", 1, ("crash.py", "ZeroDivisionError")),
    ("estimate default --network {d}/nofactory.py", 1, ("defines none of model",)),
    ("estimate default --network {d}/notmodule.py", 1, ("not a torch.nn.Module",)),
    ("estimate default --network {d}/corrupt.onnx", 1, ("corrupt.onnx", "ONNX")),
    # ---- estimate: --set
    ("estimate default --network vgg8 --set subarray.adc.bits=0", 1,
     ("--set", "subarray.adc.bits", "got 0", ">= 1")),
    ("estimate default --network vgg8 --set subarray.adc.bitz=5", 1,
     ("subarray.adc.bitz", "did you mean 'bits'")),
    ("estimate default --network vgg8 --set subarray.adc.bits", 1, ("expected KEY=VALUE",)),
    ("estimate default --network vgg8 --set subarray..bits=5", 1, ("empty part",)),
    ("estimate default --network vgg8 --set subarray.rows.x=1", 1,
     ("subarray.rows", "not a section")),
    ("estimate default --network vgg8 --set chip.tiles=0", 1,
     ("--set: chip.tiles:", "got 0", ">= 1", "'auto'")),
    ("estimate default --network vgg8 --set subarray.adc.kind=sarr", 1,
     ("--set: subarray.adc.kind", "did you mean 'sar'")),
    ("estimate default --network vgg8 --set technology.device.r_on_ohm=-5", 1,
     ("--set: technology.device.r_on_ohm", "got -5")),
    ("estimate default --network vgg8 --set technology.node=999nm", 1,
     ("unknown node '999nm'", "22nm")),
    ("estimate default --network vgg8 --set subarray.cell.bits=8", 1,
     ("subarray.cell.bits", "levels per cell")),
    ("estimate default --network vgg8 --set chip.clock_mhz=nan", 1,
     ("chip.clock_mhz", "finite")),
    ("estimate default --network vgg8 --set chip.tiles=1", 1, ("chip.tiles",)),
    # ---- estimate: activity file, outputs, arguments
    ("estimate default --network vgg8 --activity {d}/nonexistent.json", 1, ("not found",)),
    ("estimate default --network vgg8 --activity {d}/act_syntax.json", 1,
     ("act_syntax.json", "not valid JSON")),
    ("estimate default --network vgg8 --activity {d}/act_layer.json", 1,
     ("layers.nosuch", "no such layer", "features.0")),
    ("estimate default --network lenet5 --html {d}/empty_dir", 1, ("is a folder",)),
    ("estimate default --network lenet5 --html {d}/plain_file/out.html", 1,
     ("is a file, not a folder",)),
    ("estimate default --network vgg8 --format xml", 2, ("invalid choice",)),
    ("estimate default", 2, ("--network",)),
    # ---- report
    ("report {d}/nonexistent.sqlite", 1, ("no such results store",)),
    ("report {d}/notsqlite.sqlite", 1, ("not a ppa_sim results store",)),
    # ---- sweep
    ("sweep {d}/nonexistent.yaml", 1, ("file not found",)),
    ("sweep {d}/empty.yaml", 1, ("file is empty",)),
    ("sweep {root}/architectures/default.yaml", 1, ("architecture file, not a sweep spec",)),
    # ---- accuracy
    ("accuracy default --model {d}/nonexistent.py --dataset digits", 1, ("not found",)),
    ("accuracy default --model {d}/crash.py --dataset digits", 1, ("ZeroDivisionError",)),
    ("accuracy nosuch --model lenet5 --dataset digits", 1, ("architecture file not found",)),
    ("accuracy default --model lenet5 --dataset digits --runs 0", 1, ("--runs",)),
    ("accuracy default --model lenet5 --dataset digits --set subarray.adc.bits=0", 1,
     ("--set", "subarray.adc.bits")),
    ("accuracy default --model lenet5 --dataset digits --weights {d}/nonexistent.pt", 1,
     ("not found",)),
    ("accuracy default --model lenet5 --dataset digits --weights {d}/weights.txt", 1,
     ("weights.txt", "not a state_dict")),
    ("accuracy default --model lenet5 --dataset digits --runs 1 --limit 8", 1,
     ("lenet5", "digits", "(1, 28, 28)", "(1, 8, 8)")),
    # ---- validate-published
    ("validate-published --only nosuch", 1, ("nosuch", "isaac")),
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        rc = cli.main(argv)
    except SystemExit as e:  # argparse usage errors
        rc = int(e.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(("cmd", "code", "says"), CASES,
                         ids=[c[0] if isinstance(c, tuple) else None for c in CASES])
def test_bad_input_gives_one_clear_message(cmd: str, code: int, says: tuple[str, ...],
                                           bad: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    argv = [a.format(d=bad, root=ROOT) for a in cmd.split()]
    rc, out, err = _run(argv, capsys)  # an exception escaping here is a user-visible traceback
    assert rc == code, f"exit code {rc}\nstdout: {out}\nstderr: {err}"
    assert "Traceback" not in err and "Traceback" not in out
    for s in says:
        assert s in err, f"{s!r} not in stderr:\n{err}"
    if code == 1:
        # one message, not a screen of them: a wrong file kind or a union type gives one line
        assert len(err.strip().splitlines()) <= 4, err


def test_debug_shows_the_traceback(bad: Path) -> None:
    """--debug is the escape hatch for bug reports: the exception propagates."""
    from ppa_sim.errors import PpaSimError

    with pytest.raises(PpaSimError):
        cli.main(["estimate", "default", "--network", "nosuch", "--debug"])


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    for name, _, _ in cli.COMMANDS:
        if name != "train" or "train" in out:
            assert name in out
    assert "exit codes" in out
