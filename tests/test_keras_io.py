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
        # the function, not the loss object: that computes in Keras's default float32
        loss = keras.ops.mean(keras.losses.binary_crossentropy(Y[None].astype(dtype), out))
    grads = keras_io.gradients(model, tape.gradient(loss, model.trainable_variables))
    tol = 1e-12 if dtype == "float64" else 1e-6
    assert_allclose(float(loss), EXPECTED.loss, atol=tol)
    for i in range(2):
        assert grads[f"W{i + 1}"].shape == EXPECTED.W[i].shape
        assert_allclose(grads[f"W{i + 1}"], EXPECTED.W[i], atol=tol)
        assert_allclose(grads[f"b{i + 1}"], EXPECTED.b[i], atol=tol)
