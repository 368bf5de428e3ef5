"""DNN+NeuroSim network files (``NetWork_*.csv``) -> :class:`~ppa_sim.network.Network`.

Format (DNN+NeuroSim V1.3/V1.4/V2.1, ``Inference_pytorch/NeuroSIM/NetWork_*.csv``,
read by its ``main.cpp`` into ``netStructure``): no header, one row per weight layer,
eight integer columns

    0 IFM height, 1 IFM width, 2 IFM channels, 3 kernel height, 4 kernel width,
    5 OFM channels (number of kernels), 6 followed by 2x2 max-pooling (0/1),
    7 convolution stride

A fully-connected layer is written as a 1x1 input with a 1x1 kernel whose "IFM
channels" are the input features. NeuroSim assumes 'same' zero padding
(``(k-1)/2``), a ReLU after every layer but the last (its digital activation) and
2x2/stride-2 max pooling where column 6 is 1; this reader makes the same assumptions
explicit as layers. Rows run in order. A conv row reads the previous layer, or, when
the shapes differ (the 1x1 shortcut convs of NeuroSim's ResNet files), the latest
earlier layer whose output has the row's input shape. When a fully-connected row
follows a feature map, a ``flatten`` layer is inserted; a pooled row followed by a
fully-connected row with as many inputs as channels is a global pooling (how
NeuroSim's ``NetWork_ResNet18.csv`` marks it).

Lenient on form (blank lines, ``#`` comments, an all-text header row, integral floats
such as ``3.0``, spaces), strict on content: any other problem raises
:class:`~ppa_sim.errors.NetworkError` naming the file, the row and the column.
Layers are named as NeuroSim's ``layer_record`` files are (``conv0``, ``conv1`` ...,
``fc0`` ...).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ppa_sim.errors import NetworkError
from ppa_sim.network.layer import Layer, Network, conv_out

__all__ = ["COLUMNS", "from_csv", "from_csv_text", "to_csv_text"]

#: Column names, in NeuroSim's order.
COLUMNS = ("ifm_height", "ifm_width", "ifm_channels", "kernel_height", "kernel_width",
           "ofm_channels", "max_pool", "stride")


def from_csv(path: str | Path, *, name: str | None = None) -> Network:
    """Read a NeuroSim ``NetWork_*.csv`` file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NetworkError(f"{p}: cannot read network CSV: {exc}") from exc
    stem = p.stem
    default = stem[len("NetWork_"):] if stem.lower().startswith("network_") else stem
    return from_csv_text(text, name=name or default or "network", source=str(p))


def _cell(value: str, where: str, col: str) -> int:
    v = value.strip()
    try:
        f = float(v)
    except ValueError:
        raise NetworkError(f"{where}: column '{col}' is not a number: {value!r}") from None
    if not math.isfinite(f) or f != int(f):
        raise NetworkError(f"{where}: column '{col}' must be a whole number, got {value!r}")
    return int(f)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def from_csv_text(text: str, *, name: str = "network", source: str = "<csv>") -> Network:
    """Parse NeuroSim network CSV ``text`` (``source`` names it in error messages)."""
    rows: list[tuple[int, list[int]]] = []
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise NetworkError(f"{source}: not a CSV file: {exc}") from exc
    for lineno, raw in enumerate(records, start=1):
        cells = [c.strip() for c in raw]
        while cells and cells[-1] == "":
            cells.pop()          # NeuroSim files may end rows with a trailing comma
        if not cells or cells[0].startswith("#"):
            continue
        where = f"{source}: row {lineno}"
        if not rows and all(c and not _is_number(c) for c in cells):
            continue             # a header row
        if len(cells) != len(COLUMNS):
            missing = COLUMNS[len(cells):] if len(cells) < len(COLUMNS) else ()
            extra = f"; missing {', '.join(missing)}" if missing else ""
            raise NetworkError(f"{where}: expected {len(COLUMNS)} columns "
                               f"({', '.join(COLUMNS)}), got {len(cells)}{extra}")
        vals = []
        for col, c in zip(COLUMNS, cells, strict=True):
            if c == "":
                raise NetworkError(f"{where}: column '{col}' is empty")
            vals.append(_cell(c, where, col))
        rows.append((lineno, vals))
    if not rows:
        raise NetworkError(f"{source}: no layer rows (expected one row per layer with "
                           f"{len(COLUMNS)} columns: {', '.join(COLUMNS)})")

    layers: list[Layer] = []
    prev = ""
    prev_shape: tuple[int, ...] | None = None
    n_conv = n_fc = n_flat = 0
    for i, (lineno, vals) in enumerate(rows):
        where = f"{source}: row {lineno}"
        ih, iw, ic, kh, kw, oc, pool, stride = vals
        for col, v in zip(COLUMNS, vals, strict=True):
            if col == "max_pool":
                if v not in (0, 1):
                    raise NetworkError(f"{where}: column 'max_pool' must be 0 or 1, got {v}")
            elif v < 1:
                raise NetworkError(f"{where}: column '{col}' must be >= 1, got {v}")
        if kh > ih + (kh - 1) // 2 * 2 or kw > iw + (kw - 1) // 2 * 2:
            raise NetworkError(f"{where}: kernel {kh}x{kw} larger than the padded "
                               f"{ih}x{iw} input")
        last = i == len(rows) - 1
        nxt = rows[i + 1][1] if not last else None
        if _is_fc(vals):
            if stride != 1:
                raise NetworkError(f"{where}: fully-connected row (1x1 input, 1x1 kernel) "
                                   f"with stride {stride}; stride must be 1")
            if pool:
                raise NetworkError(f"{where}: max_pool=1 on a fully-connected row "
                                   "(1x1 output cannot be pooled)")
            if prev_shape is not None and len(prev_shape) == 3:
                if math.prod(prev_shape) != ic:
                    raise NetworkError(
                        f"{where}: fully-connected layer expects {ic} inputs but the "
                        f"previous layer gives {'x'.join(map(str, prev_shape))} = "
                        f"{math.prod(prev_shape)}; set max_pool=1 on the previous row "
                        "for a global pooling")
                fname = "flatten" if n_flat == 0 else f"flatten{n_flat}"
                n_flat += 1
                layers.append(Layer(name=fname, kind="flatten", in_shape=prev_shape,
                                    out_shape=(ic,), inputs=(prev,)))
                prev = fname
            lname = f"fc{n_fc}"
            n_fc += 1
            layer = Layer(name=lname, kind="linear", in_shape=(ic,), out_shape=(oc,),
                          inputs=(prev,), in_channels=ic, out_channels=oc)
            out: tuple[int, ...] = (oc,)
        else:
            src = _producer(layers, prev, (ic, ih, iw))
            pad = ((kh - 1) // 2, (kw - 1) // 2)
            oh, ow = conv_out(ih, kh, stride, pad[0]), conv_out(iw, kw, stride, pad[1])
            lname = f"conv{n_conv}"
            n_conv += 1
            out = (oc, oh, ow)
            layer = Layer(name=lname, kind="conv2d", in_shape=(ic, ih, iw), out_shape=out,
                          inputs=(src,), in_channels=ic, out_channels=oc, kernel=(kh, kw),
                          stride=(stride, stride), padding=pad)
        layers.append(layer)
        prev = lname
        if not last:
            layers.append(Layer(name=f"{lname}.relu", kind="activation", in_shape=out,
                                out_shape=out, inputs=(prev,), activation="relu"))
            prev = f"{lname}.relu"
        if pool:
            c, h, w = out
            if h < 2 or w < 2:
                raise NetworkError(f"{where}: max_pool=1 but the {h}x{w} output is smaller "
                                   "than the 2x2 pooling window")
            kernel = (2, 2)
            pooled = (c, conv_out(h, 2, 2, 0), conv_out(w, 2, 2, 0))
            if (nxt is not None and _is_fc(nxt) and nxt[2] == c
                    and math.prod(pooled) != nxt[2]):
                # a pooled row feeding a c-input classifier: NeuroSim's ResNet files mark
                # the global pooling before the last fc this way
                kernel, pooled = (h, w), (c, 1, 1)
            layers.append(Layer(name=f"{lname}.pool", kind="pool", in_shape=out,
                                out_shape=pooled, inputs=(prev,), pool="max", kernel=kernel,
                                stride=kernel, in_channels=c, out_channels=c))
            prev = f"{lname}.pool"
            out = pooled
        prev_shape = out
    first = rows[0][1]
    input_shape = ((first[2],) if first[0] == first[1] == first[3] == first[4] == 1
                   else (first[2], first[0], first[1]))
    return Network(name=name, input_shape=input_shape, layers=tuple(layers),
                   description=f"NeuroSim network file {Path(source).name}",
                   source=f"csv:{source}")


def _is_fc(vals: list[int]) -> bool:
    return vals[0] == vals[1] == vals[3] == vals[4] == 1


def _producer(layers: list[Layer], prev: str, in_shape: tuple[int, ...]) -> str:
    """The layer a conv row reads: the previous one when its output has the row's input
    shape, else the latest earlier layer that does (a shortcut conv in NeuroSim's ResNet
    files reads the block input), else the previous one (NeuroSim does not check)."""
    if not layers or layers[-1].out_shape == in_shape:
        return prev
    for lay in reversed(layers):
        if lay.out_shape == in_shape and lay.kind != "conv2d":
            return lay.name
    return prev


def to_csv_text(network: Network) -> str:
    """The NeuroSim network CSV of ``network``'s weight layers (pooling flag set where a
    stride-2 or global pool follows a layer, possibly after batch-norm, activation or a
    residual add, as NeuroSim's own files do). Only
    ungrouped convs with square stride are representable; others raise NetworkError."""
    lines = []
    order = {lay.name: i for i, lay in enumerate(network.layers)}
    flagged: set[str] = set()
    for pool in network.layers:
        if pool.kind != "pool" or not (pool.stride == (2, 2) or pool.out_shape[-2:] == (1, 1)):
            continue
        # the pool belongs to the latest weight layer it is reached from through
        # batch-norm / activation / residual adds
        stack, found = list(pool.inputs), []
        while stack:
            name = stack.pop()
            if name not in order:
                continue
            lay = network.layers[order[name]]
            if lay.kind in ("conv2d", "linear"):
                found.append(lay.name)
            elif lay.kind in ("activation", "batchnorm", "add"):
                stack.extend(lay.inputs)
        if found:
            flagged.add(max(found, key=order.__getitem__))

    def pooled(name: str) -> bool:
        return name in flagged

    for lay in network.weight_layers:
        if lay.kind == "linear":
            lines.append(f"1,1,{lay.in_channels},1,1,{lay.out_channels},0,1")
            continue
        if lay.groups != 1 or lay.stride[0] != lay.stride[1]:
            raise NetworkError(f"layer {lay.name}: grouped or non-square-stride conv has no "
                               "NeuroSim CSV form")
        _, h, w = lay.in_shape
        lines.append(f"{h},{w},{lay.in_channels},{lay.kernel[0]},{lay.kernel[1]},"
                     f"{lay.out_channels},{int(pooled(lay.name))},{lay.stride[0]}")
    return "\n".join(lines) + "\n"
