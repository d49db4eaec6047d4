import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from yann.example import RUNNING
from yann.figures import draw_network

W1, W2 = RUNNING.array("W1"), RUNNING.array("W2")


def _labels(fig):
    return {t.get_gid(): t for t in fig.axes[0].texts if t.get_gid()}


def test_network_diagram_draws_every_node_and_weight():
    fig = draw_network([W1, W2], RUNNING.activations)
    ax = fig.axes[0]
    assert len(ax.patches) == 3 + 3 + 2
    assert len(ax.lines) == 3 * 3 + 3 * 2
    labels = _labels(fig)
    assert len(labels) == 3 * 3 + 3 * 2
    for layer, W in enumerate([W1, W2], start=1):
        for (i, j), w in np.ndenumerate(W):
            assert labels[f"W{layer}[{i},{j}]"].get_text() == f"{w:.2f}"


def test_each_weight_label_sits_on_its_own_edge_in_its_colour():
    """A reader can match a label to its edge: the label lies on that edge, nearer its start than
    any crossing, and no other edge passes under it."""
    fig = draw_network([W1, W2], RUNNING.activations)
    ax = fig.axes[0]
    edges = [(line.get_xydata(), line.get_color()) for line in ax.lines]
    for gid, text in _labels(fig).items():
        x, y = text.get_position()
        distances = []
        for (p0, p1), colour in edges:
            direction = (p1 - p0) / np.linalg.norm(p1 - p0)
            offset = np.array([x, y]) - p0
            along = offset @ direction
            across = abs(offset[0] * direction[1] - offset[1] * direction[0])
            inside = 0 <= along <= np.linalg.norm(p1 - p0)
            distances.append((across if inside else np.inf, colour))
        distances.sort(key=lambda d: d[0])
        (nearest, colour), (second, _) = distances[:2]
        assert nearest < 1e-9, f"label {gid} is not on an edge"
        assert second > 0.2, f"label {gid} sits on two edges at once"
        assert colour == text.get_color(), f"label {gid} is not coloured like its edge"


def test_diagram_refuses_layers_that_do_not_chain():
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(2, 2\), expected \(2, 3\)"):
        draw_network([np.ones((3, 3)), np.ones((2, 2))], ["relu", "sigmoid"])
