import numpy as np
import pytest
from numpy.testing import assert_allclose

from yann import mlp


def random_network(rng, widths, activations):
    return [
        mlp.Layer(rng.normal(size=(n_out, n_in)), rng.normal(size=n_out), act)
        for n_in, n_out, act in zip(widths[:-1], widths[1:], activations)
    ]


def finite_difference(layers, x, y, loss, which, index, h=1e-6):
    def value(shift):
        changed = []
        for i, layer in enumerate(layers):
            W, b = layer.W.copy(), layer.b.copy()
            if i == index:
                (W if which == "W" else b)[...] += shift
            changed.append(mlp.Layer(W, b, layer.activation))
        return mlp.gradients(changed, x, y, loss).loss

    param = getattr(layers[index], which)
    grad = np.zeros_like(param)
    for pos in np.ndindex(param.shape):
        bump = np.zeros_like(param)
        bump[pos] = h
        grad[pos] = (value(bump) - value(-bump)) / (2 * h)
    return grad


@pytest.mark.parametrize("loss", mlp.LOSSES)
@pytest.mark.parametrize("batched", [False, True])
def test_gradients_match_central_differences(loss, batched):
    rng = np.random.default_rng(7)
    layers = random_network(rng, [4, 5, 3], ["tanh", "sigmoid"])
    x = rng.normal(size=(6, 4) if batched else 4)
    y = rng.uniform(0.1, 0.9, size=(6, 3) if batched else 3)
    grads = mlp.gradients(layers, x, y, loss)
    for index in range(2):
        for which in ("W", "b"):
            expected = finite_difference(layers, x, y, loss, which, index)
            assert_allclose(getattr(grads, which)[index], expected, rtol=1e-6, atol=1e-9)


def test_batch_gradient_is_the_mean_of_per_sample_gradients():
    rng = np.random.default_rng(1)
    layers = random_network(rng, [3, 4, 2], ["relu", "identity"])
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    batch = mlp.gradients(layers, x, y, "mse")
    singles = [mlp.gradients(layers, xi, yi, "mse") for xi, yi in zip(x, y)]
    assert_allclose(batch.W[0], np.mean([g.W[0] for g in singles], axis=0), rtol=1e-12)
    assert_allclose(batch.loss, np.mean([g.loss for g in singles]), rtol=1e-12)


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_each_activation_derivative_is_a_central_difference(name):
    """The table's f' against (f(z + h) - f(z - h)) / 2h, away from relu's kink."""
    f, f_prime = mlp.ACTIVATIONS[name]
    z, h = np.array([-1.7, -0.4, 0.3, 2.2]), 1e-6
    assert_allclose(f_prime(z, f(z)), (f(z + h) - f(z - h)) / (2 * h), rtol=1e-8, atol=1e-10)


def test_relu_has_zero_derivative_at_zero():
    f, f_prime = mlp.ACTIVATIONS["relu"]
    z = np.array([-1.0, 0.0, 2.0])
    assert np.asarray(f_prime(z, f(z)), float).tolist() == [0, 0, 1]


def independent_loss(name, a, y):
    """Each loss written out with Python loops over samples and outputs (a, y: lists of rows)."""
    import math

    terms = [(ak, yk) for row_a, row_y in zip(a, y) for ak, yk in zip(row_a, row_y)]
    if name == "bce":
        return -sum(yk * math.log(ak) + (1 - yk) * math.log(1 - ak) for ak, yk in terms) / len(terms)
    if name == "mse":
        return sum((ak - yk) ** 2 for ak, yk in terms) / len(terms)
    if name == "mae":
        return sum(abs(ak - yk) for ak, yk in terms) / len(terms)
    return sum((ak - yk) ** 2 for ak, yk in terms) / 2 / len(a)  # half_sse: per sample, mean of samples


@pytest.mark.parametrize("loss", mlp.LOSSES)
@pytest.mark.parametrize("batched", [False, True])
def test_each_loss_is_the_written_out_formula(loss, batched):
    rng = np.random.default_rng(5)
    a, y = rng.uniform(0.05, 0.95, size=(4, 3)), rng.uniform(0, 1, size=(4, 3))
    if not batched:
        a, y = a[0], y[0]
    rows_a, rows_y = np.atleast_2d(a), np.atleast_2d(y)  # the table works on rows
    want = independent_loss(loss, rows_a.tolist(), rows_y.tolist())
    assert_allclose(mlp.LOSSES[loss][0](rows_a, rows_y), want, rtol=1e-13)


def test_half_sse_is_the_classic_total_error():
    """E = 1/2 sum_k (y_k - a_k)^2 for one sample: the classic example's 0.298371109 at its outputs."""
    out, target = np.array([[0.75136507, 0.772928465]]), np.array([[0.01, 0.99]])
    assert_allclose(mlp.LOSSES["half_sse"][0](out, target), 0.298371109, rtol=1e-8)


def test_a_layer_owns_its_arrays():
    """Changing the array a Layer was built from must not change the (frozen) Layer."""
    W, b = np.ones((2, 3)), np.zeros(2)
    layer = mlp.Layer(W, b, "relu")
    W[0, 0], b[0] = 5.0, 5.0
    assert layer.W[0, 0] == 1.0 and layer.b[0] == 0.0
    assert not np.shares_memory(layer.W, W) and not np.shares_memory(layer.b, b)


def test_one_sample_and_a_batch_of_one_agree_and_keep_their_shapes():
    rng = np.random.default_rng(2)
    layers = random_network(rng, [3, 4, 2], ["relu", "sigmoid"])
    x, y = rng.normal(size=3), np.array([1.0, 0.0])
    one, row = mlp.gradients(layers, x, y), mlp.gradients(layers, x[None], y[None])
    assert one.forward.output.shape == (2,) and row.forward.output.shape == (1, 2)
    assert one.forward.z[0].shape == (4,) and one.forward.x.shape == (3,)
    assert one.loss == row.loss
    for g1, g2 in zip(one.W + one.b, row.W + row.b):
        assert np.array_equal(g1, g2)
    assert_allclose(mlp.forward(layers, x).output, one.forward.output, rtol=0)


def chapter_cells(path):
    """The code cells of a MyST chapter, as source strings."""
    import re

    text = path.read_text()
    return [m.group(1) for m in re.finditer(r"```\{code-cell\} ipython3\n(.*?)```", text, re.S)]


def test_chapter_5_shows_the_code_of_yann_mlp():
    """Chapter 5 writes the activations, the losses, forward_pass and backprop on the page; yann.mlp
    holds the same code, character for character (issue 13: one backward pass, seen once)."""
    import inspect
    from pathlib import Path

    chapter = Path(__file__).resolve().parents[1] / "chapters" / "05_backprop.md"
    cells = chapter_cells(chapter)
    module = inspect.getsource(mlp)
    for name in ("forward_pass", "backprop"):
        source = inspect.getsource(getattr(mlp, name))
        shown = [c for c in cells if c.lstrip().startswith(f"def {name}(")]
        assert shown == [source], f"chapter 5's {name} differs from yann.mlp.{name}"
    tables = [c for c in cells if c.startswith("ACTIVATIONS = {")]
    assert len(tables) == 1 and "\nLOSSES = {" in tables[0], "chapter 5 has no cell with the two tables"
    assert tables[0] in module, "chapter 5's tables of activations and losses differ from yann.mlp's"


def test_sgd_step_moves_against_the_gradient():
    rng = np.random.default_rng(3)
    layers = random_network(rng, [2, 2], ["sigmoid"])
    x, y = np.array([0.5, -0.5]), np.array([1.0, 0.0])
    grads = mlp.gradients(layers, x, y)
    after = mlp.gradients(mlp.sgd_step(layers, grads, 0.1), x, y)
    assert after.loss < grads.loss


def test_other_layout_is_named_in_the_error():
    layers = [mlp.Layer(np.ones((3, 2)), np.zeros(3), "relu"), mlp.Layer(np.ones((3, 3)), np.zeros(3), "relu")]
    with pytest.raises(ValueError, match=r"x has shape \(5, 3\), expected \(5, 2\).*W1 transposed.*Keras kernel"):
        mlp.forward(layers, np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"W has shape \(3, 2\), expected \(2, 3\).*Keras kernel"):
        mlp.Layer(np.ones((3, 2)), np.zeros(2), "sigmoid")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: mlp.Layer(np.ones((2, 3)), np.zeros(4), "relu"), r"b has shape \(4,\), expected \(2,\)"),
        (lambda: mlp.Layer(np.ones(3), np.zeros(3), "relu"), r"W has shape \(3,\) \(1-D\), expected 2-D"),
        (lambda: mlp.Layer(np.ones((2, 3)), np.zeros(2), "softmax"), "activation is 'softmax'"),
        (lambda: mlp.Layer(np.full((2, 3), np.nan), np.zeros(2), "relu"), "W holds non-finite"),
        (lambda: mlp.Layer(np.ones((2, 3), np.float32), np.zeros(2), "relu"), "mismatched dtypes"),
        (lambda: mlp.gradients([mlp.Layer(np.ones((2, 3)), np.zeros(2), "sigmoid")], np.ones(3), [2.0, 0.0]),
         r"expected labels in \[0, 1\]"),
        (lambda: mlp.gradients([mlp.Layer(np.ones((2, 3)), np.zeros(2), "sigmoid")], np.ones(3), [1.0]),
         r"y has shape \(1,\), expected \(2,\)"),
        (lambda: mlp.gradients([mlp.Layer(np.ones((2, 3)), np.zeros(2), "sigmoid")], np.ones(3), [1.0, 0.0], "hinge"),
         "loss is 'hinge'"),
        (lambda: mlp.forward([], np.ones(3)), "layers is empty"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
