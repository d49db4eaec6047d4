"""Figures drawn by code. ``draw_network`` draws a small fully connected network with its weights."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .mlp import ACTIVATIONS
from .validate import as_array, check_choice


def draw_network(
    weights: Sequence,
    activations: Sequence[str],
    *,
    layer_names: Sequence[str] | None = None,
    decimals: int = 2,
) -> plt.Figure:
    """Draw the network whose layer ``i`` has weight matrix ``weights[i]`` of shape (outputs, inputs).

    Nodes are circles in columns, one column per layer; each layer's column is titled with its
    activation. Every edge carries its weight, written along the edge just after it leaves its input
    unit (where no other edge crosses it) and coloured like the unit it feeds; the label of the
    weight ``weights[l][i, j]`` has the gid ``"W{l+1}[{i},{j}]"``, so a check can read back exactly
    what was drawn. Returns the figure (call ``plt.show()`` after it).
    """
    mats = [as_array(f"weights[{i}]", w, ndim=2) for i, w in enumerate(weights)]
    if not mats:
        raise ValueError("weights is empty, expected one weight matrix (outputs, inputs) per layer")
    if len(activations) != len(mats):
        raise ValueError(f"activations has {len(activations)} names, expected {len(mats)} (one per layer)")
    for name in activations:
        check_choice("activations", name, ACTIVATIONS)
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(
                f"weights[{i}] has shape {mats[i].shape}, expected ({mats[i].shape[0]}, "
                f"{mats[i - 1].shape[0]}) = (outputs, inputs) to follow weights[{i - 1}]"
            )
    sizes = [mats[0].shape[1]] + [m.shape[0] for m in mats]
    layer_names = list(layer_names or ["input"] + [f"layer {i}" for i in range(1, len(mats) + 1)])
    if len(layer_names) != len(sizes):
        raise ValueError(f"layer_names has {len(layer_names)} names, expected {len(sizes)}")

    dx, dy, radius = 4.0, 1.5, 0.3
    width, height = dx * (len(sizes) - 1) + 1.4, dy * (max(sizes) - 1) + 2.2  # in data units
    fig, ax = plt.subplots(figsize=(0.8 * width, 0.8 * height))
    tallest = max(sizes)
    positions = [
        [(dx * col, dy * ((size - 1) / 2 - row)) for row in range(size)] for col, size in enumerate(sizes)
    ]
    colours = plt.get_cmap("tab10").colors
    ax.set_xlim(-0.7, dx * (len(sizes) - 1) + 0.7)
    ax.set_ylim(-dy * (tallest - 1) / 2 - 0.7, dy * (tallest - 1) / 2 + 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    for layer, matrix in enumerate(mats):
        for out, (x1, y1) in enumerate(positions[layer + 1]):
            colour = colours[out % len(colours)]
            for inp, (x0, y0) in enumerate(positions[layer]):
                ax.plot([x0, x1], [y0, y1], color=colour, lw=1.2, alpha=0.8, zorder=1)
                # The label sits on its edge near the edge's start: there the edges leaving one unit
                # fan out and no other edge crosses them yet, so each label is on its own line. It
                # is drawn along the edge and in the colour of the unit the edge feeds.
                t = (radius + 0.7) / np.hypot(x1 - x0, y1 - y0)
                angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{matrix[out, inp]:.{decimals}f}",
                        fontsize=10, ha="center", va="center", rotation=angle, rotation_mode="anchor",
                        color=colour, gid=f"W{layer + 1}[{out},{inp}]",
                        bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none"), zorder=3)
    for col, column in enumerate(positions):
        for row, (x, y) in enumerate(column):
            face = "#dbe9f6" if col == 0 else "#fde9d4"
            ax.add_patch(plt.Circle((x, y), radius, fc=face, ec="0.2", zorder=2))
            label = f"$x_{row + 1}$" if col == 0 else f"$a^{{({col})}}_{row + 1}$"
            ax.text(x, y, label, ha="center", va="center", fontsize=11, zorder=4)
        title = layer_names[col] if col == 0 else f"{layer_names[col]}\n({activations[col - 1]})"
        ax.text(column[0][0], dy * (tallest - 1) / 2 + 0.5, title, ha="center", va="bottom", fontsize=11)
    return fig
