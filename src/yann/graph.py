"""Pictures of the backward pass, drawn with matplotlib.

Two drawings, each returning a :class:`Drawing` (the figure, and the text of every label it drew,
so a check cell can assert that the picture shows the chapter's numbers):

- ``draw_graph(values, grads=None)`` the network as a computational graph
  ``x → z1 → a1 → z2 → a2 → E``, with the parameter nodes ``W1, b1, W2, b2`` (and the labels ``y``)
  feeding in from above. Each node shows its forward value and, when ``grads`` has it, the
  gradient ∂E/∂node underneath in another colour. Arguments are plain dicts of numpy arrays
  (or anything array-like), keyed by node name; pass only the gradients known so far to show
  them flowing backwards, and ``highlight`` to frame the nodes a step works on.
- ``draw_chain(factors)`` a product of Jacobians as blocks, one cell per matrix entry, so the
  sizes visibly match (1×2 · 2×2 · 2×6 = 1×6). Factors are ``(name, matrix)`` pairs, or
  ``(name, (rows, cols))`` for a shape only; a matrix's zero entries are drawn as empty cells.

Node names: ``x``, ``z1``, ``a1``, …, ``zL``, ``aL``, ``E`` (the loss), ``W1``, ``b1``, …, and ``y``.
Vectors are 1-D, weights have shape (outputs, inputs), as everywhere in the book. Call
``plt.show()`` after drawing. Wrong input raises ``ValueError`` naming the argument, its shape and
the expected shape.
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
NODE_FACE = {"data": "#e8f0fa", "sum": "#fdf1e3", "activation": "#fde3c8", "loss": "#f6d5d5",
             "parameter": "#e4f3e4"}


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


def _layers_of(values: Mapping) -> int:
    """How many layers the keys z1, z2, … describe (they must be consecutive)."""
    numbers = sorted(int(k[1:]) for k in values if re.fullmatch(r"z[1-9]\d*", k))
    if not numbers:
        raise ValueError("values has no key 'z1', expected the forward values x, z1, a1, …, E")
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"values has layers {numbers}, expected consecutive layers 1..{numbers[-1]}")
    return numbers[-1]


def _expected_shapes(values: Mapping, n_layers: int) -> dict[str, tuple[int, ...]]:
    """Every node's shape, from the sizes of x and of the sums z1 … zL."""
    sizes = []
    for name in ["x"] + [f"z{l}" for l in range(1, n_layers + 1)]:
        if name not in values:
            raise ValueError(f"values has no key {name!r}, expected the forward values x, z1, a1, …, E")
        array = as_array(f"values[{name!r}]", values[name], ndim=1)
        if array.size == 0:
            raise ValueError(f"values[{name!r}] has shape (0,), expected at least one entry")
        sizes.append(array.size)
    shapes: dict[str, tuple[int, ...]] = {"x": (sizes[0],), "E": ()}
    for l in range(1, n_layers + 1):
        shapes[f"z{l}"] = shapes[f"a{l}"] = shapes[f"b{l}"] = (sizes[l],)
        shapes[f"W{l}"] = (sizes[l], sizes[l - 1])
    shapes["y"] = (sizes[-1],)
    return shapes


_MEANING = {"W": " = (outputs, inputs)", "E": " = a scalar loss"}  # said after a wrong shape


def _checked(label: str, name: str, value, shapes: Mapping[str, tuple[int, ...]]) -> np.ndarray:
    if name not in shapes:
        raise ValueError(f"{label} has key {name!r}, expected one of {', '.join(map(repr, shapes))}")
    array = as_array(f"{label}[{name!r}]", value)
    if array.shape != shapes[name]:
        meaning = _MEANING.get(name[0], "")
        raise ValueError(f"{label}[{name!r}] has shape {array.shape}, expected {shapes[name]}{meaning}")
    return array


def _text_of(array: np.ndarray, decimals: int) -> str:
    """A vector as a column (one number per line), a matrix as rows, a scalar alone."""
    if array.ndim == 0:
        return fmt(array, decimals)
    if array.ndim == 1:
        return "\n".join(fmt(v, decimals) for v in array)
    return "\n".join(" ".join(fmt(v, decimals) for v in row) for row in array)


_TEX = {"x": r"\mathbf{x}", "y": r"\mathbf{y}", "E": "E"}


def _tex(name: str) -> str:
    if name in _TEX:
        return _TEX[name]
    letter, layer = name[0], name[1:]
    base = rf"\mathbf{{{letter}}}" if letter.islower() else letter
    return rf"{base}^{{({layer})}}"


def _kind(name: str) -> str:
    return {"x": "data", "y": "data", "E": "loss", "z": "sum", "a": "activation"}.get(name[0], "parameter")


def draw_graph(
    values: Mapping,
    grads: Mapping | None = None,
    *,
    highlight: Iterable[str] = (),
    decimals: int = 4,
    title: str | None = None,
) -> Drawing:
    """Draw the network as a computational graph with forward values and, optionally, gradients.

    ``values`` maps node names to forward values: ``x``, ``z1``, ``a1``, …, ``zL``, ``aL`` and the
    loss ``E`` are required; ``W1``, ``b1``, …, ``y`` are drawn when given. ``grads`` maps node
    names to ∂E/∂node (same shapes as the values; ``grads['E']`` is 1 when given). ``highlight``
    frames some nodes. Returns a :class:`Drawing` whose ``labels`` hold the drawn texts.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values is a {type(values).__name__}, expected a dict of node name -> array")
    if grads is not None and not isinstance(grads, Mapping):
        raise TypeError(f"grads is a {type(grads).__name__}, expected a dict of node name -> array")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 8:
        raise ValueError(f"decimals is {decimals!r}, expected an int from 0 to 8")
    n_layers = _layers_of(values)
    shapes = _expected_shapes(values, n_layers)
    chain = ["x"] + [f"{k}{l}" for l in range(1, n_layers + 1) for k in "za"] + ["E"]
    for name in chain:
        if name not in values:
            raise ValueError(f"values has no key {name!r}, expected the forward values x, z1, a1, …, E")
    vals = {name: _checked("values", name, v, shapes) for name, v in values.items()}
    grads_in = {} if grads is None else grads
    grds = {name: _checked("grads", name, g, shapes) for name, g in grads_in.items()}
    for name in grds:
        if name not in vals:
            raise ValueError(f"grads has key {name!r} but values has not, expected a value for every gradient")
    highlight = set(highlight)
    unknown = highlight - set(vals)
    if unknown:
        raise ValueError(f"highlight has {sorted(unknown)}, expected names of drawn nodes {sorted(vals)}")

    # Sizes first (inches): a title line, the value's lines, then the gradient's lines.
    fontsize, line = 8.5, 0.15
    texts, sizes = {}, {}
    for name in vals:
        value_text = _text_of(vals[name], decimals)
        grad_text = _text_of(grds[name], decimals) if name in grds else None
        columns = max(len(s) for s in (value_text + "\n" + (grad_text or "")).split("\n"))
        n_lines, g_lines = value_text.count("\n") + 1, grad_text.count("\n") + 1 if grad_text else 0
        texts[name] = (value_text, grad_text, n_lines)
        sizes[name] = (max(0.8, 0.072 * columns + 0.16),
                       0.32 + line * n_lines + (0.1 + line * g_lines if g_lines else 0) + 0.06)

    # Positions: the chain on one row; odd layers' parameters above their sum, even layers' below,
    # W to the left of b, pushed apart where they would overlap; the labels y above the loss.
    gap, row_gap = 0.1, 0.45
    centre_x, x_at = {}, 0.0
    for k, name in enumerate(chain):
        if k:
            x_at += max(1.0, (sizes[chain[k - 1]][0] + sizes[name][0]) / 2 + 0.3)
        centre_x[name] = x_at
    chain_h = max(sizes[n][1] for n in chain)
    boxes: dict[str, tuple[float, float, float, float]] = {}  # name -> (x0, y0, x1, y1)
    for name in chain:
        w, h = sizes[name]
        boxes[name] = (centre_x[name] - w / 2, -h / 2, centre_x[name] + w / 2, h / 2)
    rows: dict[str, list[str]] = {"above": [], "below": []}
    for l in range(1, n_layers + 1):
        for name in (f"W{l}", f"b{l}"):
            if name in vals:
                rows["above" if l % 2 else "below"].append(name)
    if "y" in vals:
        rows["above"].append("y")
    for side, names in rows.items():
        right = -np.inf
        for name in names:
            w, h = sizes[name]
            target = name if name == "y" else f"z{name[1:]}"
            want = centre_x["E"] if name == "y" else centre_x[target] + (-0.45 if name[0] == "W" else 0.45)
            x0 = max(want - w / 2, right + gap)
            if side == "above":
                y0 = chain_h / 2 + row_gap
                boxes[name] = (x0, y0, x0 + w, y0 + h)
            else:
                y1 = -chain_h / 2 - row_gap
                boxes[name] = (x0, y1 - h, x0 + w, y1)
            right = x0 + w

    drawing_w = max(b[2] for b in boxes.values()) - min(b[0] for b in boxes.values())
    lows, highs = min(b[1] for b in boxes.values()), max(b[3] for b in boxes.values())
    legend = [("forward value", VALUE_COLOUR)] + ([("gradient ∂E/∂node", GRAD_COLOUR)] if grds else [])
    fig, ax = plt.subplots(figsize=(drawing_w + 0.2, highs - lows + 0.5 + (0.3 if title else 0)))
    drawing = Drawing(fig)

    for name, (x0, y0, x1, y1) in boxes.items():
        x = (x0 + x1) / 2
        value_text, grad_text, n_lines = texts[name]
        emphasis = name in highlight
        ax.add_patch(FancyBboxPatch(
            (x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.06",
            fc=NODE_FACE[_kind(name)], ec="#d18b00" if emphasis else "0.35", lw=2.6 if emphasis else 0.9,
            zorder=2,
        ))
        ax.text(x, y1 - 0.04, f"${_tex(name)}$", ha="center", va="top", fontsize=fontsize + 1.5, zorder=3)
        ax.text(x, y1 - 0.3, value_text, ha="center", va="top", fontsize=fontsize, family="monospace",
                color=VALUE_COLOUR, linespacing=1.2, zorder=3)
        drawing.labels[(name, "value")] = value_text
        if grad_text is not None:
            gy = y1 - 0.3 - line * n_lines - 0.06
            ax.plot([x0 + 0.06, x1 - 0.06], [gy, gy], color=GRAD_COLOUR, lw=0.7, zorder=3)
            ax.text(x, gy - 0.04, grad_text, ha="center", va="top", fontsize=fontsize, family="monospace",
                    color=GRAD_COLOUR, linespacing=1.2, zorder=3)
            drawing.labels[(name, "grad")] = grad_text

    def arrow(start: tuple[float, float], end: tuple[float, float]) -> None:
        ax.annotate("", xy=end, xytext=start, zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="0.3", lw=1.0, shrinkA=0, shrinkB=0))

    for a, b in zip(chain, chain[1:]):
        arrow((boxes[a][2], 0.0), (boxes[b][0], 0.0))
    for side, names in rows.items():
        for name in names:
            x0, y0, x1, y1 = boxes[name]
            target = "E" if name == "y" else f"z{name[1:]}"
            tx0, ty0, tx1, ty1 = boxes[target]
            offset = 0 if name == "y" else (-0.12 if name[0] == "W" else 0.12)
            end_x = (tx0 + tx1) / 2 + offset
            if side == "above":
                arrow(((x0 + x1) / 2, y0), (end_x, ty1))
            else:
                arrow(((x0 + x1) / 2, y1), (end_x, ty0))

    # The legend goes in the bottom-left corner, below the chain if a parameter box is there.
    left = min(b[0] for b in boxes.values())
    legend_w = 1.5
    blocked = any(b[0] < left + legend_w and b[3] < -chain_h / 2 for b in boxes.values())
    legend_top = (lows - 0.1 if blocked or not rows["below"] else lows + 0.22 * len(legend))
    if blocked or not rows["below"]:
        lows -= 0.22 * len(legend) + 0.1
    for k, (text, colour) in enumerate(legend):
        ax.text(left, legend_top - 0.22 * k, text, color=colour, fontsize=fontsize + 0.5, ha="left", va="top")
    ax.set_xlim(left - 0.1, left + drawing_w + 0.1)
    ax.set_ylim(lows - 0.1, highs + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=fontsize + 2)
    fig.subplots_adjust(0, 0, 1, 1 if not title else 0.92)
    return drawing


# --------------------------------------------------------------------------------------------------
# The chain of Jacobian shapes


def _shape_and_zeros(label: str, value) -> tuple[tuple[int, int], np.ndarray | None]:
    """(rows, cols) of a factor, and where its entries are exactly zero (None for a bare shape)."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, (int, np.integer)) for v in value):
        rows, cols = (int(v) for v in value)
        if isinstance(value[0], bool) or isinstance(value[1], bool) or rows < 1 or cols < 1:
            raise ValueError(f"{label} has shape {value}, expected (rows, cols) of positive ints")
        return (rows, cols), None
    shape = getattr(value, "shape", None)
    if shape is None:
        value = np.asarray(value, dtype=object)
        shape = value.shape
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or 0 in shape:
        raise ValueError(f"{label} has shape {shape}, expected a matrix (rows, cols) with both at least 1")
    entries = [value[i, j] for i in range(shape[0]) for j in range(shape[1])]
    if not all(_is_finite(e) for e in entries):
        raise ValueError(f"{label} holds non-finite values (nan or inf); expected finite numbers")
    zeros = np.array([_is_zero(e) for e in entries], dtype=bool).reshape(shape)
    return shape, zeros


def _is_finite(entry) -> bool:
    if isinstance(entry, (int, float, np.integer, np.floating)):
        return bool(np.isfinite(entry))
    has = getattr(entry, "has", None)  # a sympy expression: look for nan, oo, -oo and zoo inside it
    if has is not None:
        import sympy

        return not has(sympy.nan, sympy.oo, -sympy.oo, sympy.zoo)
    return True


def _is_zero(entry) -> bool:
    if isinstance(entry, (int, float, np.integer, np.floating)):
        return entry == 0
    return bool(getattr(entry, "is_zero", False))  # sympy: True, False or None (unknown)


def draw_chain(
    factors: Sequence,
    result: str | None = None,
    *,
    unit: float = 0.2,
    max_width: float = 7.0,
) -> Drawing:
    """Draw a product of Jacobians as blocks of cells whose sizes match: each factor's columns
    equal the next factor's rows, and the product has the first factor's rows and the last
    factor's columns.

    ``factors`` is a sequence of ``(name, matrix)`` or ``(name, (rows, cols))`` pairs; names may
    hold LaTeX math (``"$J(\\sigma)$"``). ``result`` names the product (drawn after "="). A cell
    is shaded where the matrix entry is not zero and left empty where it is exactly zero; a bare
    shape is shaded throughout. ``unit`` is the side of one cell in inches; it shrinks so the
    figure is at most ``max_width`` inches wide. ``labels[(name, "shape")]`` hold the drawn
    shapes, "rows×cols".
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
    for i in range(1, len(shapes)):
        if shapes[i][0] != shapes[i - 1][1]:
            raise ValueError(
                f"factors[{i}] ({names[i]}) has shape {shapes[i]}, expected ({shapes[i - 1][1]}, n): "
                f"its rows must match the {shapes[i - 1][1]} columns of {names[i - 1]}"
            )
    out_shape = (shapes[0][0], shapes[-1][1])
    blocks = list(zip(names, shapes, zeros))
    if result is not None:
        blocks.append((result, out_shape, None))

    gap = 1.6  # cells between blocks, room for the "·" or "="
    total_cells = sum(s[1] for _, s, _ in blocks) + gap * (len(blocks) - 1)
    unit = min(unit, (max_width - 0.3) / total_cells)
    tallest = max(s[0] for _, s, _ in blocks)
    fig, ax = plt.subplots(figsize=(total_cells * unit + 0.3, tallest * unit + 0.95))
    drawing, fontsize, x = Drawing(fig), 10, 0.0
    for k, (name, (rows, cols), zero) in enumerate(blocks):
        is_result = result is not None and k == len(blocks) - 1
        face = "#f2c5a0" if is_result else "#a9c4e8"
        top = tallest / 2 + rows / 2  # blocks centred on one line, like the factors of an equation
        for i in range(rows):
            for j in range(cols):
                empty = zero is not None and zero[i, j]
                ax.add_patch(Rectangle((x + j, top - i - 1), 1, 1, fc="white" if empty else face,
                                       ec="0.45", lw=0.5))
        ax.add_patch(Rectangle((x, top - rows), cols, rows, fill=False, ec="0.1", lw=1.3))
        ax.text(x + cols / 2, tallest + 0.25, name, ha="center", va="bottom", fontsize=fontsize)
        shape_text = f"{rows}×{cols}"
        ax.text(x + cols / 2, -0.25, shape_text, ha="center", va="top", fontsize=fontsize - 1, color="0.25")
        drawing.labels[(name, "shape")] = shape_text
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
