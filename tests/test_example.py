import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from yann import mlp
from yann.example import REFERENCE, REFERENCE_ATOL, RUNNING, reference


def test_arrays_are_fresh_copies_in_the_asked_dtype():
    W1 = RUNNING.array("W1", np.float32)
    assert W1.dtype == np.float32 and W1.shape == (3, 3)
    W1[0, 0] = 99
    assert RUNNING.array("W1")[0, 0] == 0.1


def test_values_cannot_be_changed():
    with pytest.raises(TypeError):
        RUNNING.values["x"] = (1, 2, 3)
    with pytest.raises(AttributeError):
        RUNNING.loss = "mse"


def test_exact_values_are_rationals_with_column_vectors():
    x = RUNNING.exact("x")
    assert x.shape == (3, 1) and x[0] == sympy.Rational(23, 100)
    assert RUNNING.exact("W2").shape == (2, 3)
    assert RUNNING.lr(exact=True) == sympy.Rational(1, 100)


def test_unknown_name_and_dtype_are_refused():
    with pytest.raises(ValueError, match="name is 'W3'"):
        RUNNING.array("W3")
    with pytest.raises(TypeError, match="dtype is int64"):
        RUNNING.array("x", np.int64)
    with pytest.raises(ValueError, match="name is 'grad_W3'"):
        reference("grad_W3")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_reference_pass_reproduces_every_recorded_value(dtype):
    layers = RUNNING.layers(dtype)
    grads = mlp.gradients(layers, RUNNING.array("x", dtype), RUNNING.array("y", dtype))
    new = mlp.sgd_step(layers, grads, RUNNING.lr())
    ours = {
        "a1": grads.forward.a[0], "a2": grads.forward.a[1], "loss": grads.loss,
        "grad_W1": grads.W[0], "grad_b1": grads.b[0], "grad_W2": grads.W[1], "grad_b2": grads.b[1],
        "W1_after": new[0].W, "b1_after": new[0].b, "W2_after": new[1].W, "b2_after": new[1].b,
    }
    for name, value in ours.items():
        assert_allclose(value, reference(name), atol=REFERENCE_ATOL, err_msg=name)
    assert_allclose(grads.forward.a[1], reference("a2_9"), atol=1e-9 if dtype == np.float64 else 1e-6)
    assert set(ours) | {"a2_9", "loss_9"} == set(REFERENCE)
