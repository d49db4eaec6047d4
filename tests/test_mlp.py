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
        out = mlp.forward(changed, x).output
        return mlp.loss_value(loss, out, y)

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


def test_relu_has_zero_derivative_at_zero():
    assert mlp.activation_vjp("relu", np.ones(3), np.array([-1.0, 0.0, 2.0]), None).tolist() == [0, 0, 1]


def test_sgd_step_moves_against_the_gradient():
    rng = np.random.default_rng(3)
    layers = random_network(rng, [2, 2], ["sigmoid"])
    x, y = np.array([0.5, -0.5]), np.array([1.0, 0.0])
    grads = mlp.gradients(layers, x, y)
    after = mlp.gradients(mlp.sgd_step(layers, grads, 0.1), x, y)
    assert after.loss < grads.loss


def test_other_layout_is_named_in_the_error():
    layers = [mlp.Layer(np.ones((3, 2)), np.zeros(3), "relu"), mlp.Layer(np.ones((3, 3)), np.zeros(3), "relu")]
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 2\), expected \(3, 3\).*Keras kernel"):
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
