"""Round trips through TensorFlow and Keras. Few tests on purpose: importing TensorFlow is slow."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from yann import mlp
from yann.example import RUNNING

# TensorFlow is imported when this file's tests run, not when pytest collects it: each parallel
# worker collects every file, and only the one that runs these tests needs TensorFlow.
keras_io = keras = tf = None


@pytest.fixture(autouse=True, scope="module")
def _tensorflow():
    global keras_io, keras, tf
    pytest.importorskip("yann.tf_env")  # sets TensorFlow's environment before its first import
    from yann import keras_io
    from yann.tf_env import keras, tf

X, Y = RUNNING.array("x"), RUNNING.array("y")
EXPECTED = mlp.gradients(RUNNING.layers(), X, Y)


def test_import_yann_does_not_import_tensorflow():
    code = ("import sys, yann, yann.example, yann.mlp, yann.printing; "
            "sys.exit('tensorflow' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_keras_model_round_trip_and_gradients(dtype):
    with keras_io.floatx(dtype):
        model = keras_io.sequential(RUNNING.layers(), dtype)
        assert [tuple(d.kernel.shape) for d in model.layers] == [(3, 3), (3, 2)]
        # The kernel is the transpose of W: column 2 holds the weights into output unit 2.
        assert_array_equal(np.asarray(model.layers[1].kernel)[:, 1], np.float64([0.3, 0.8, 0.7])
                           .astype(dtype))
        params = keras_io.parameters(model)
        for name, value in RUNNING.arrays(dtype).items():
            if name in params:
                assert params[name].dtype == dtype
                assert_array_equal(params[name], value)

        with tf.GradientTape() as tape:
            out = model(X[None].astype(dtype))
            loss = keras.losses.BinaryCrossentropy()(Y[None].astype(dtype), out)
        grads = keras_io.gradients(model, tape.gradient(loss, model.trainable_variables))
    tol = 1e-12 if dtype == "float64" else 1e-6
    assert_allclose(float(loss), EXPECTED.loss, atol=tol)
    for i in range(2):
        assert grads[f"W{i + 1}"].shape == EXPECTED.W[i].shape
        assert_allclose(grads[f"W{i + 1}"], EXPECTED.W[i], atol=tol)
        assert_allclose(grads[f"b{i + 1}"], EXPECTED.b[i], atol=tol)
    assert keras.config.floatx() == "float32"


def test_floatx_restores_the_default_after_an_error():
    with pytest.raises(RuntimeError):
        with keras_io.floatx("float64"):
            assert keras.config.floatx() == "float64"
            raise RuntimeError
    assert keras.config.floatx() == "float32"


def test_the_square_kernel_in_the_wrong_layout_is_caught_only_by_the_forward_check():
    model = keras_io.sequential(RUNNING.layers())
    want = mlp.forward(RUNNING.layers(), X).output
    assert_allclose(keras_io.check_forward(model, RUNNING.layers(), X), want, rtol=1e-6)
    model.layers[0].kernel.assign(RUNNING.array("W1", np.float32))  # W1 itself: the bug
    assert_array_equal(keras_io.parameters(model)["W1"], RUNNING.array("W1", np.float32).T)
    with pytest.raises(ValueError, match="^model kernel 1 holds W, not W.T"):
        keras_io.check_forward(model, RUNNING.layers(), X)


@pytest.mark.parametrize(("W", "x"), [
    (np.eye(3), [0.23, 0.82, 0.47]),
    (np.eye(3), [1.0, -1.0, 1e-9]),
    (np.array([[1.0, -1.0]]), [0.1, 0.1000001]),  # the sum cancels to about 1e-7
    (np.array([[0.1, 0.2, -0.3]]), [1.0, 1.0, 1.0]),  # ... and to 0
])
def test_check_forward_accepts_correctly_loaded_identity_models(W, x):
    """Float32 rounding in a sum that cancels is not a layout bug: the tolerance scales with
    the terms of the sums, not with their (near zero) result."""
    layers = [mlp.Layer(W, np.zeros(W.shape[0]), "identity")]
    out = keras_io.check_forward(keras_io.sequential(layers), layers, np.array(x))
    assert_allclose(out, W @ np.array(x), atol=1e-6)


def test_check_forward_blames_the_layout_only_when_a_kernel_holds_W():
    layers = [mlp.Layer(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros(2), "identity")]
    wrong = [mlp.Layer(layers[0].W.T.copy(), np.zeros(2), "identity")]
    with pytest.raises(ValueError, match="^model kernel 1 holds W, not W.T"):
        keras_io.check_forward(keras_io.sequential(wrong), layers, np.array([1.0, 0.0]))
    scaled = [mlp.Layer(2 * layers[0].W, np.zeros(2), "identity")]
    with pytest.raises(ValueError, match="^model weights or activations differ"):
        keras_io.check_forward(keras_io.sequential(scaled), layers, np.array([1.0, 0.0]))


def test_check_forward_says_other_weights_differ_for_a_non_square_layer():
    layers = [mlp.Layer(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.zeros(2), "identity")]
    scaled = [mlp.Layer(2 * layers[0].W, np.zeros(2), "identity")]
    with pytest.raises(ValueError, match="^model weights or activations differ"):
        keras_io.check_forward(keras_io.sequential(scaled), layers, np.ones((4, 3)))
