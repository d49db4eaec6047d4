"""Round trips through TensorFlow and Keras. Few tests on purpose: importing TensorFlow is slow."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

pytest.importorskip("yann.tf_env")  # sets the TensorFlow environment before the first import

from yann import keras_io, mlp  # noqa: E402
from yann.example import RUNNING  # noqa: E402
from yann.tf_env import keras, tf  # noqa: E402

X, Y = RUNNING.array("x"), RUNNING.array("y")
EXPECTED = mlp.gradients(RUNNING.layers(), X, Y)


def test_import_yann_does_not_import_tensorflow():
    code = "import sys, yann, yann.example, yann.mlp, yann.printing; sys.exit('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_kernel_is_the_transpose_and_converts_back():
    W2 = RUNNING.array("W2")
    kernel = keras_io.kernel_from_W(W2)
    assert kernel.shape == (3, 2)
    assert_array_equal(kernel[:, 1], [0.3, 0.8, 0.7])  # column 2 feeds output unit 2
    assert_array_equal(keras_io.W_from_kernel(kernel), W2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_keras_model_round_trip_and_gradients(dtype):
    with keras_io.floatx(dtype):
        model = keras_io.sequential(RUNNING, dtype)
        assert [tuple(d.kernel.shape) for d in keras_io.dense_layers(model)] == [(3, 3), (3, 2)]
        params = keras_io.parameters(model)
        for name, value in RUNNING.arrays(dtype).items():
            if name in params:
                assert params[name].dtype == dtype
                assert_array_equal(params[name], value)
        assert_array_equal(np.asarray(model.layers[1].kernel), RUNNING.array("W2", dtype).T)

        with tf.GradientTape() as tape:
            loss = keras.losses.BinaryCrossentropy()(Y[None].astype(dtype), model(X[None].astype(dtype)))
        grads = keras_io.gradients(model, tape.gradient(loss, model.trainable_variables))
    tol = 1e-12 if dtype == "float64" else 1e-6
    assert_allclose(float(loss), EXPECTED.loss, atol=tol)
    for i in range(2):
        assert grads[f"W{i + 1}"].shape == EXPECTED.W[i].shape
        assert_allclose(grads[f"W{i + 1}"], EXPECTED.W[i], atol=tol)
        assert_allclose(grads[f"b{i + 1}"], EXPECTED.b[i], atol=tol)
    assert keras.config.floatx() == "float32"


def test_tape_variables_round_trip_and_gradients():
    params = keras_io.variables(RUNNING, "float64")
    for name, value in keras_io.parameters(params).items():
        assert_array_equal(value, RUNNING.array(name))
    x, y = keras_io.constant("x", X, dtype="float64"), keras_io.constant("y", Y, dtype="float64")
    with tf.GradientTape() as tape:
        a1 = tf.nn.relu(tf.linalg.matvec(params["W1"], x) + params["b1"])
        a2 = tf.sigmoid(tf.linalg.matvec(params["W2"], a1) + params["b2"])
        loss = keras.losses.binary_crossentropy(y, a2)
    grads = keras_io.gradients(params, tape.gradient(loss, params))
    assert_allclose(grads["W1"], EXPECTED.W[0], atol=1e-12)
    assert_allclose(grads["b2"], EXPECTED.b[1], atol=1e-12)
    with pytest.raises(ValueError, match="grads has keys"):
        keras_io.gradients(params, [grads["W1"]])


def test_wrong_layouts_are_refused_and_the_square_one_is_caught_by_the_forward_check():
    model = keras_io.sequential(RUNNING)
    dense1, dense2 = keras_io.dense_layers(model)
    with pytest.raises(ValueError, match=r"W2 has shape \(3, 2\), expected \(2, 3\).*looks like a Keras kernel"):
        keras_io.load_dense(dense2, RUNNING.array("W2").T, RUNNING.array("b2"), name="W2")
    with pytest.raises(ValueError, match=r"b2 has shape \(3,\), expected \(2,\)"):
        keras_io.load_dense(dense2, RUNNING.array("W2"), np.zeros(3), name="W2")
    with pytest.raises(ValueError, match=r"x has shape \(3,\), expected \(3, 1\)"):
        keras_io.constant("x", X, shape=(3, 1))
    assert_allclose(keras_io.check_forward(model, RUNNING, X), mlp.forward(RUNNING.layers(), X).output, rtol=1e-6)

    # The square W1 in the wrong layout has the right shape: accepted, and only the forward check sees it.
    keras_io.load_dense(dense1, RUNNING.array("W1").T, RUNNING.array("b1"), name="W1")
    assert_array_equal(keras_io.parameters(model)["W1"], RUNNING.array("W1", np.float32).T)
    with pytest.raises(ValueError, match="a kernel may hold W instead of W.T"):
        keras_io.check_forward(model, RUNNING, X)
