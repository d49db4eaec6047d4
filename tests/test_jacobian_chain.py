"""The explicit Jacobian chain of yann.jacobian_chain: its matrices, its counts and its errors."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from yann import jacobian_chain as jc
from yann import mlp
from yann.example import REFERENCE_ATOL, RUNNING, reference


def test_weight_jacobian_is_the_autograd_jacobian_with_rows_of_w_flattened_in_order():
    torch = pytest.importorskip("torch")  # only the autograd comparisons need torch
    rng = np.random.default_rng(0)
    W, a = rng.normal(size=(4, 3)), rng.normal(size=3)
    J = jc.weight_jacobian(a, 4)
    assert J.shape == jc.jacobian_shapes(3, 4)["J_W"] == (4, 12)
    expected = torch.autograd.functional.jacobian(lambda w: w @ torch.tensor(a), torch.tensor(W))
    assert_allclose(J, expected.numpy().reshape(4, 12), rtol=0, atol=0)
    assert_allclose(J @ W.ravel(), W @ a, rtol=1e-15)  # z = J_W vec(W): W a is linear in W
    assert np.count_nonzero(J) == 4 * 3  # one copy of a per row, the rest zeros


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_activation_jacobian_is_the_autograd_jacobian(name):
    torch = pytest.importorskip("torch")
    z = np.array([-1.5, -0.2, 0.3, 2.0])
    a = mlp.ACTIVATIONS[name][0](z)
    f = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda t: t * 1}[name]
    expected = torch.autograd.functional.jacobian(f, torch.tensor(z)).numpy()
    assert_allclose(jc.activation_jacobian(name, z, a), expected, rtol=1e-14)


def test_shapes_of_one_layer():
    assert jc.jacobian_shapes(784, 512) == {
        "J_W": (512, 512 * 784), "J_b": (512, 512), "J_a": (512, 784), "J_f": (512, 512),
    }


@pytest.mark.parametrize("order", jc.ORDERS)
def test_running_example_gradients_from_the_chain_match_the_reference(order):
    chain = jc.explicit_gradients(RUNNING.layers(), RUNNING.array("x"), RUNNING.array("y"), "bce", order)
    assert_allclose(chain.loss, reference("loss_9"), atol=1e-9)
    named = [("grad_W1", chain.W[0]), ("grad_b1", chain.b[0]), ("grad_W2", chain.W[1]), ("grad_b2", chain.b[1])]
    for name, value in named:
        assert_allclose(value, reference(name), atol=REFERENCE_ATOL, err_msg=name)


@pytest.mark.parametrize("n", [1, 3, 64, 1000])
@pytest.mark.parametrize("depth", [1, 2, 5])
def test_closed_forms_for_a_network_of_uniform_width(n, depth):
    widths = [n] * (depth + 1)
    assert jc.chain_cost(widths, "reverse") == depth * (n**3 + 2 * n**2) + (depth - 1) * n**2
    assert jc.vjp_cost(widths, batch=64) == 64 * (3 * depth - 1) * n**2
    assert jc.chain_entries(widths, "reverse") == jc.chain_entries(widths, "forward") == n**3
    # right to left, layer l carries n**2 + n columns through 1 + 2 * (depth - l) square products
    forward = sum((n**2 + n) * (n**2 + 2 * n**2 * (depth - l) + n) for l in range(1, depth + 1))
    assert jc.chain_cost(widths, "forward") == forward


def test_the_chain_costs_about_n_times_more_than_reverse_mode():
    ratios = [jc.chain_cost([n] * 4, "reverse") / jc.vjp_cost([n] * 4) for n in (100, 200, 400)]
    assert_allclose(np.diff(np.log(ratios)) / np.log(2), 1.0, atol=0.02)  # doubling n doubles the ratio
    assert jc.chain_cost([400] * 4, "forward") > 400 * jc.chain_cost([400] * 4, "reverse")


def test_errors_name_the_argument():
    layers = RUNNING.layers()
    with pytest.raises(ValueError, match=r"x has shape \(2, 3\) \(2-D\), expected 1-D"):
        jc.explicit_gradients(layers, np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="order is 'sideways'"):
        jc.explicit_gradients(layers, RUNNING.array("x"), RUNNING.array("y"), order="sideways")
    with pytest.raises(ValueError, match=r"y has shape \(3,\), expected \(2,\)"):
        jc.explicit_gradients(layers, RUNNING.array("x"), np.ones(3))
    with pytest.raises(ValueError, match="widths is"):
        jc.chain_cost([5])
    with pytest.raises(ValueError, match="batch is 0"):
        jc.vjp_cost([3, 2], batch=0)
    with pytest.raises(ValueError, match="n_out is 0"):
        jc.weight_jacobian(np.ones(3), 0)


def test_activation_jacobian_refuses_a_batch_instead_of_returning_its_diagonal():
    with pytest.raises(ValueError, match=r"z has shape \(2, 3\) \(2-D\), expected 1-D"):
        jc.activation_jacobian("relu", np.ones((2, 3)))
    assert_allclose(jc.activation_jacobian("relu", np.array([-1.0, 2.0])), np.diag([0.0, 1.0]), rtol=0)
