"""Pictures of the backward pass, drawn with matplotlib; each returns a :class:`Drawing` (the
figure and the text of every label drawn, so a check cell can assert the picture's numbers).

- ``draw_graph(values, grads)`` the network as a computational graph ``x → z1 → a1 → … → E``,
  with the parameters ``W1, b1, …`` and the labels ``y`` feeding in. Each node shows its forward
  value and, when ``grads`` has it, ∂E/∂node underneath in another colour.
- ``draw_chain(factors)`` a product of Jacobians as blocks, one cell per matrix entry, so the
  sizes visibly match (1×2 · 2×2 · 2×6 = 1×6); an exactly zero entry is an empty cell.

Vectors are 1-D and weights (outputs, inputs), as everywhere in the book. Call ``plt.show()``
after drawing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

from .printing import fmt
from .validate import as_array

__all__ = ["Drawing", "draw_graph", "draw_chain"]

VALUE_COLOUR = "#1f3b73"  # forward values: dark blue
GRAD_COLOUR = "#b3261e"  # gradients: dark red
# Node colours by the name's first letter: data, sums, activations, the loss, parameters.
NODE_FACE = {"x": "#e8f0fa", "y": "#e8f0fa", "z": "#fdf1e3", "a": "#fde3c8", "E": "#f6d5d5", "W": "#e4f3e4",
             "b": "#e4f3e4"}


@dataclass
class Drawing:
    """A figure and the labels drawn on it: ``labels[(node, "value")]`` is the text of a node's
    forward value as drawn, ``labels[(node, "grad")]`` its gradient's (for ``draw_chain``, the
    keys are ``(name, "shape")``)."""

    figure: plt.Figure
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    def numbers(self, node: str, kind: str = "value") -> np.ndarray:
        """The numbers of one drawn label, read back from its text, as a flat float array."""
        key = (node, kind)
        if key not in self.labels:
            drawn = ", ".join(f"{n}/{k}" for n, k in self.labels)
            raise ValueError(f"node/kind is {node}/{kind}, expected one of the drawn labels: {drawn}")
        return np.array([float(t) for t in re.findall(r"-?\d+(?:\.\d+)?", self.labels[key])])

    def __repr__(self) -> str:  # short and address-free; the figure is shown by plt.show()
        return f"Drawing with {len(self.labels)} labels"


# --------------------------------------------------------------------------------------------------
# The computational graph

_VALUES = "expected the forward values x, z1, a1, …, E"
_MEANING = {"W": " = (outputs, inputs)", "E": " = a scalar loss"}  # said after a wrong shape


def _checked(values, grads) -> tuple[list[str], dict, dict]:
    """The chain x, z1, a1, …, E, and ``values`` and ``grads`` as arrays of their nodes' shapes
    (found from the sizes of x and of the sums z1 … zL)."""
    for label, given in (("values", values), ("grads", grads)):
        if not isinstance(given, Mapping):
            raise TypeError(f"{label} is a {type(given).__name__}, expected a dict of node name -> array")
    layers = sorted(int(k[1:]) for k in values if re.fullmatch(r"z[1-9]\d*", k))
    if not layers:
        raise ValueError(f"values has no key 'z1', {_VALUES}")
    if layers != list(range(1, len(layers) + 1)):
        raise ValueError(f"values has layers {layers}, expected consecutive layers 1..{layers[-1]}")
    chain = ["x"] + [f"{k}{l}" for l in layers for k in "za"] + ["E"]
    for name in chain:
        if name not in values:
            raise ValueError(f"values has no key {name!r}, {_VALUES}")
    sizes = []
    for name in ["x"] + chain[1:-1:2]:  # x and the sums z1 … zL
        sizes.append(as_array(f"values[{name!r}]", values[name], ndim=1).size)
        if not sizes[-1]:
            raise ValueError(f"values[{name!r}] has shape (0,), expected at least one entry")
    shapes: dict[str, tuple[int, ...]] = {"x": (sizes[0],), "E": (), "y": (sizes[-1],)}
    for l in layers:
        shapes[f"z{l}"] = shapes[f"a{l}"] = shapes[f"b{l}"] = (sizes[l],)
        shapes[f"W{l}"] = (sizes[l], sizes[l - 1])
    arrays = []
    for label, given in (("values", values), ("grads", grads)):
        arrays.append({})
        for name, value in given.items():
            if name not in shapes:
                raise ValueError(f"{label} has key {name!r}, expected one of {', '.join(map(repr, shapes))}")
            if name not in values:
                raise ValueError(f"grads has key {name!r} but values has not, expected a value for every gradient")
            array = arrays[-1][name] = as_array(f"{label}[{name!r}]", value)
            if array.shape != shapes[name]:
                raise ValueError(f"{label}[{name!r}] has shape {array.shape}, expected {shapes[name]}"
                                 + _MEANING.get(name[0], ""))
    return chain, arrays[0], arrays[1]


def _text_of(array: np.ndarray, decimals: int) -> str:
    """A vector as a column (one number per line), a matrix as rows, a scalar alone."""
    if array.ndim == 0:
        return fmt(array, decimals)
    return "\n".join(" ".join(fmt(v, decimals) for v in np.atleast_1d(row)) for row in array)


def _tex(name: str) -> str:
    """x → bold x, W2 → W⁽²⁾: vectors bold, the layer as a superscript."""
    letter = rf"\mathbf{{{name[0]}}}" if name[0].islower() else name[0]
    return letter + (f"^{{({name[1:]})}}" if name[1:] else "")


def draw_graph(values: Mapping, grads: Mapping | None = None, *, highlight: Iterable[str] = (),
               decimals: int = 4) -> Drawing:
    """Draw the network as a computational graph with forward values and, optionally, gradients.

    ``values`` maps node names to forward values: ``x``, ``z1``, ``a1``, …, ``zL``, ``aL`` and the
    loss ``E`` are required; ``W1``, ``b1``, …, ``y`` are drawn when given. ``grads`` maps node
    names to ∂E/∂node (same shapes as the values; ``grads['E']`` is 1 when given). ``highlight``
    frames some nodes. Returns a :class:`Drawing` whose ``labels`` hold the drawn texts.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 8:
        raise ValueError(f"decimals is {decimals!r}, expected an int from 0 to 8")
    chain, vals, grds = _checked(values, {} if grads is None else grads)
    highlight = set(highlight)
    if highlight - set(vals):
        raise ValueError(f"highlight has {sorted(highlight - set(vals))}, expected names of drawn nodes {sorted(vals)}")

    # Sizes (inches): a title line, the value's lines, then a rule and the gradient's lines.
    fontsize, line = 8.5, 0.15
    texts = {n: (_text_of(vals[n], decimals), _text_of(grds[n], decimals) if n in grds else None) for n in vals}
    sizes = {}
    for name, (value_text, grad_text) in texts.items():
        value_lines, grad_lines = value_text.split("\n"), grad_text.split("\n") if grad_text else []
        sizes[name] = (max(0.8, 0.072 * max(map(len, value_lines + grad_lines)) + 0.16),
                       0.38 + line * len(value_lines) + (0.1 + line * len(grad_lines) if grad_lines else 0))

    # Positions: the chain on one row; each layer's W and b (W to the left) above its sum for odd
    # layers, below for even ones, pushed apart where they would overlap; the labels y above E.
    boxes: dict[str, tuple[float, float, float, float]] = {}  # name -> (x0, y0, x1, y1)
    x = 0.0
    for k, name in enumerate(chain):
        w, h = sizes[name]
        x += max(1.0, (sizes[chain[k - 1]][0] + w) / 2 + 0.3) if k else 0
        boxes[name] = (x - w / 2, -h / 2, x + w / 2, h / 2)
    chain_h = max(sizes[n][1] for n in chain)
    targets = {f"{k}{name[1:]}": name for name in chain[1:-1:2] for k in "Wb"} | {"y": "E"}
    params = [n for n in targets if n in vals]  # W1, b1, W2, b2, …, y
    side = {n: 1 if n == "y" or int(n[1:]) % 2 else -1 for n in params}  # 1 above the chain, -1 below
    right = {1: -np.inf, -1: -np.inf}
    for name in params:
        w, h = sizes[name]
        tx0, _, tx1, _ = boxes[targets[name]]
        x0 = max((tx0 + tx1) / 2 + {"W": -0.45, "b": 0.45, "y": 0}[name[0]] - w / 2, right[side[name]] + 0.1)
        right[side[name]] = x0 + w
        near = side[name] * (chain_h / 2 + 0.45)  # the box's edge facing the chain
        boxes[name] = (x0, min(near, near + side[name] * h), x0 + w, max(near, near + side[name] * h))

    left, right_edge = min(b[0] for b in boxes.values()), max(b[2] for b in boxes.values())
    lows, highs = min(b[1] for b in boxes.values()), max(b[3] for b in boxes.values())
    legend = [("forward value", VALUE_COLOUR)] + ([("gradient ∂E/∂node", GRAD_COLOUR)] if grds else [])
    fig, ax = plt.subplots(figsize=(right_edge - left + 0.2, highs - lows + 0.5))
    drawing = Drawing(fig)

    for name, (x0, y0, x1, y1) in boxes.items():
        x = (x0 + x1) / 2
        value_text, grad_text = texts[name]
        emphasis = name in highlight
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.06",
                                    fc=NODE_FACE[name[0]], ec="#d18b00" if emphasis else "0.35",
                                    lw=2.6 if emphasis else 0.9, zorder=2))
        ax.text(x, y1 - 0.04, f"${_tex(name)}$", ha="center", va="top", fontsize=fontsize + 1.5, zorder=3)
        text_style = dict(ha="center", va="top", fontsize=fontsize, family="monospace", linespacing=1.2, zorder=3)
        ax.text(x, y1 - 0.3, value_text, color=VALUE_COLOUR, **text_style)
        drawing.labels[(name, "value")] = value_text
        if grad_text is not None:
            gy = y1 - 0.3 - line * (value_text.count("\n") + 1) - 0.06
            ax.plot([x0 + 0.06, x1 - 0.06], [gy, gy], color=GRAD_COLOUR, lw=0.7, zorder=3)
            ax.text(x, gy - 0.04, grad_text, color=GRAD_COLOUR, **text_style)
            drawing.labels[(name, "grad")] = grad_text

    arrows = [((boxes[a][2], 0.0), (boxes[b][0], 0.0)) for a, b in zip(chain, chain[1:])]
    for name in params:  # from the box's edge facing the chain to the target's facing edge
        x0, y0, x1, y1 = boxes[name]
        tx0, ty0, tx1, ty1 = boxes[targets[name]]
        above = side[name] == 1
        arrows.append((((x0 + x1) / 2, y0 if above else y1),
                       ((tx0 + tx1) / 2 + {"W": -0.12, "b": 0.12, "y": 0}[name[0]], ty1 if above else ty0)))
    for start, end in arrows:
        ax.annotate("", xy=end, xytext=start, zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.0, shrinkA=0, shrinkB=0))

    # The legend goes in the bottom-left corner: below everything if no box is below the chain
    # (the corner is the chain's) or if one is in the corner.
    if -1 not in side.values() or any(b[0] < left + 1.5 and b[3] < -chain_h / 2 for b in boxes.values()):
        lows -= 0.22 * len(legend) + 0.1
    for k, (text, colour) in enumerate(legend):
        ax.text(left, lows + 0.22 * (len(legend) - k), text, color=colour, fontsize=fontsize + 0.5, ha="left", va="top")
    ax.set_xlim(left - 0.1, right_edge + 0.1)
    ax.set_ylim(lows - 0.1, highs + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.subplots_adjust(0, 0, 1, 1)
    return drawing


# --------------------------------------------------------------------------------------------------
# The chain of Jacobian shapes


def _shape_and_zeros(label: str, value) -> tuple[tuple[int, int], np.ndarray | None]:
    """(rows, cols) of a factor, and where its entries are exactly zero (None for a bare shape)."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, (int, np.integer)) for v in value):
        if isinstance(value[0], bool) or isinstance(value[1], bool) or min(value) < 1:
            raise ValueError(f"{label} has shape {value}, expected (rows, cols) of positive ints")
        return (int(value[0]), int(value[1])), None
    array = as_array(label, value)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{label} has shape {array.shape}, expected a matrix (rows, cols) with both at least 1")
    return array.shape, array == 0


def draw_chain(factors: Sequence, result: str | None = None, *, unit: float = 0.2,
               max_width: float = 7.0) -> Drawing:
    """Draw a product of Jacobians as blocks of cells: ``factors`` are ``(name, matrix)`` pairs
    (numbers; an entry exactly zero is an empty cell) or ``(name, (rows, cols))`` (all shaded);
    names may hold LaTeX math (``"$J(\\sigma)$"``). ``result`` names the product, drawn after "=".
    ``unit`` is a cell's side in inches, shrunk so the figure is at most ``max_width`` wide.
    ``labels[(name, "shape")]`` hold the drawn shapes, "rows×cols".
    """
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence):
        raise TypeError(f"factors is a {type(factors).__name__}, expected a list of (name, matrix) pairs")
    if not factors:
        raise ValueError("factors is empty, expected at least one (name, matrix) pair")
    if not (isinstance(unit, (int, float)) and not isinstance(unit, bool) and 0 < unit <= 1):
        raise ValueError(f"unit is {unit!r}, expected a cell size in inches in (0, 1]")
    names, shapes, zeros = [], [], []
    for i, pair in enumerate(factors):
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise TypeError(f"factors[{i}] is a {type(pair).__name__}, expected a (name, matrix) pair")
        shape, zero = _shape_and_zeros(f"factors[{i}] ({pair[0]})", pair[1])
        names, shapes, zeros = names + [pair[0]], shapes + [shape], zeros + [zero]
        if i and shape[0] != shapes[i - 1][1]:
            raise ValueError(f"factors[{i}] ({names[i]}) has shape {shape}, expected ({shapes[i - 1][1]}, n): "
                             f"its rows must match the {shapes[i - 1][1]} columns of {names[i - 1]}")
    blocks = list(zip(names, shapes, zeros))
    if result is not None:
        blocks.append((result, (shapes[0][0], shapes[-1][1]), None))

    gap = 1.6  # cells between blocks, room for the "·" or "="
    total_cells = sum(s[1] for _, s, _ in blocks) + gap * (len(blocks) - 1)
    unit = min(unit, (max_width - 0.3) / total_cells)
    tallest = max(s[0] for _, s, _ in blocks)
    fig, ax = plt.subplots(figsize=(total_cells * unit + 0.3, tallest * unit + 0.95))
    drawing, fontsize, x = Drawing(fig), 10, 0.0
    for k, (name, (rows, cols), zero) in enumerate(blocks):
        face = "#f2c5a0" if result is not None and k == len(blocks) - 1 else "#a9c4e8"  # the product orange
        top = tallest / 2 + rows / 2  # blocks centred on one line, like the factors of an equation
        for i, j in np.ndindex(rows, cols):
            empty = zero is not None and zero[i, j]
            ax.add_patch(Rectangle((x + j, top - i - 1), 1, 1, fc="white" if empty else face, ec="0.45", lw=0.5))
        ax.add_patch(Rectangle((x, top - rows), cols, rows, fill=False, ec="0.1", lw=1.3))
        ax.text(x + cols / 2, tallest + 0.25, name, ha="center", va="bottom", fontsize=fontsize)
        drawing.labels[(name, "shape")] = shape_text = f"{rows}×{cols}"
        ax.text(x + cols / 2, -0.25, shape_text, ha="center", va="top", fontsize=fontsize - 1, color="0.25")
        x += cols
        if k < len(blocks) - 1:
            symbol = "=" if result is not None and k == len(blocks) - 2 else "·"
            ax.text(x + gap / 2, tallest / 2, symbol, ha="center", va="center", fontsize=fontsize + 4)
            x += gap
    margin = 0.15 / unit
    ax.set_xlim(-margin, x + margin)
    ax.set_ylim(-0.85 / unit * 0.6 - 0.1, tallest + 0.55 / unit * 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.subplots_adjust(0, 0, 1, 1)
    return drawing
