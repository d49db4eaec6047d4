"""yann.graph: the computational graph and the chain of Jacobian shapes draw what they are given."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose

from yann.example import RUNNING, reference
from yann.graph import draw_chain, draw_graph


def running_values():
    """The running example's forward pass and gradients, written out in numpy (independent of yann.mlp)."""
    x, y = RUNNING.array("x"), RUNNING.array("y")
    W1, b1, W2, b2 = (RUNNING.array(n) for n in ("W1", "b1", "W2", "b2"))
    z1 = W1 @ x + b1
    a1 = np.maximum(z1, 0)
    z2 = W2 @ a1 + b2
    a2 = 1 / (1 + np.exp(-z2))
    E = -np.mean(y * np.log(a2) + (1 - y) * np.log(1 - a2))
    delta2 = (a2 - y) / 2
    delta1 = (W2.T @ delta2) * (z1 > 0)
    values = {"x": x, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "E": E, "W1": W1, "b1": b1, "W2": W2,
              "b2": b2, "y": y}
    grads = {"z2": delta2, "z1": delta1, "W2": np.outer(delta2, a1), "b2": delta2,
             "W1": np.outer(delta1, x), "b1": delta1, "E": 1.0}
    return values, grads


def test_graph_labels_are_the_values_it_was_given():
    values, grads = running_values()
    drawing = draw_graph(values, grads)
    for name, value in values.items():
        assert_allclose(drawing.numbers(name), np.ravel(value), atol=5e-5)
    for name, grad in grads.items():
        assert_allclose(drawing.numbers(name, "grad"), np.ravel(grad), atol=5e-5)
    # and they are the recorded PyTorch numbers of the running example
    assert_allclose(drawing.numbers("W1", "grad"), reference("grad_W1").ravel(), atol=1e-4)
    assert_allclose(drawing.numbers("a2"), reference("a2"), atol=1e-4)
    assert ("a1", "grad") not in drawing.labels  # only the gradients given are drawn
    # every label is drawn as text on the figure
    drawn = {t.get_text() for t in drawing.figure.axes[0].texts}
    assert set(drawing.labels.values()) <= drawn
    plt.close(drawing.figure)


def test_graph_without_parameters_draws_the_chain_only():
    values, _ = running_values()
    chain = {k: values[k] for k in ("x", "z1", "a1", "z2", "a2", "E")}
    drawing = draw_graph(chain, decimals=2)
    assert {name for name, _ in drawing.labels} == set(chain)
    assert drawing.labels[("x", "value")] == "0.23\n0.82\n0.47"
    assert drawing.labels[("E", "value")] == f"{values['E']:.2f}"
    plt.close(drawing.figure)


def test_graph_fits_a_page_column():
    values, grads = running_values()
    drawing = draw_graph(values, grads)
    width, _ = drawing.figure.get_size_inches()
    assert width <= 7.5  # about 700 px at the notebook's 100 dpi, never scaled below readability
    plt.close(drawing.figure)


def test_graph_of_three_layers():
    sizes = [2, 4, 3, 1]
    values = {"x": np.ones(2), "E": 0.5}
    for l in range(1, 4):
        values[f"z{l}"] = values[f"a{l}"] = np.full(sizes[l], 0.5)
        values[f"W{l}"] = np.ones((sizes[l], sizes[l - 1]))
    drawing = draw_graph(values)
    assert_allclose(drawing.numbers("W3"), np.ones(3))
    plt.close(drawing.figure)


def test_chain_blocks_have_the_shapes_of_the_factors_and_of_the_product():
    a = np.array([0.5, 0.0, 0.25])  # one entry exactly zero
    J_W = np.zeros((2, 6))
    J_W[0, :3] = J_W[1, 3:] = a
    drawing = draw_chain([("J(E)", (1, 2)), ("J(σ)", np.diag([0.2, 0.1])), ("J_W", J_W)], "grad")
    assert [drawing.labels[(n, "shape")] for n in ("J(E)", "J(σ)", "J_W", "grad")] == ["1×2", "2×2", "2×6", "1×6"]
    patches = drawing.figure.axes[0].patches
    cells = [p for p in patches if p.get_fill() and p.get_width() == 1]
    white = [p for p in cells if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    # 2 + 4 + 12 + 6 cells; the bare shape and the product are shaded throughout, and the empty
    # cells are the two off-diagonal zeros of J(σ) and the 6 + 2 zeros of J_W
    assert len(cells) == 2 + 4 + 12 + 6
    assert len(white) == 2 + 8
    plt.close(drawing.figure)


def test_chain_takes_nested_lists_of_numbers():
    drawing = draw_chain([("A", [[1, 0], [0, 2]])])
    white = [p for p in drawing.figure.axes[0].patches if p.get_fill() and p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(white) == 2
    plt.close(drawing.figure)


def test_chain_shrinks_to_fit_the_column():
    drawing = draw_chain([("A", (1, 30)), ("B", (30, 90))])
    assert drawing.figure.get_size_inches()[0] <= 7.0 + 1e-9
    plt.close(drawing.figure)


def test_numbers_of_a_label_not_drawn_is_refused():
    values, _ = running_values()
    drawing = draw_graph({k: values[k] for k in ("x", "z1", "a1", "z2", "a2", "E")})
    with pytest.raises(ValueError, match=r"node/kind is W1/value, expected one of the drawn labels"):
        drawing.numbers("W1")
    plt.close(drawing.figure)


@pytest.mark.parametrize("decimals", [2, 4, 6])
def test_graph_boxes_never_overlap(decimals):
    from matplotlib.patches import FancyBboxPatch

    values, grads = running_values()
    drawing = draw_graph(values, grads, decimals=decimals)
    boxes = [(p.get_x(), p.get_y(), p.get_x() + p.get_width(), p.get_y() + p.get_height())
             for p in drawing.figure.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == len(values)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0
            assert not overlap, (a, b)
    plt.close(drawing.figure)
