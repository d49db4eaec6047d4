"""Bad input to yann.keras_io and yann.model_state (TensorFlow): refused with a message naming the argument and what was expected."""

from __future__ import annotations

import functools

import numpy as np


from yann import mlp
from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.keras_io', needs={'yann.keras_io': 'yann.tf_env'})
case = CASES.case

def keras_io():
    from yann import keras_io

    return keras_io


@functools.cache
def keras_model():
    return keras_io().sequential(LAYERS)


def dense2():
    return keras_io().dense_layers(keras_model())[1]


case("dtype_name", "dtype", lambda: keras_io().dtype_name("int32"), TypeError,
     r"^dtype is int32, expected float32 or float64$", needs="yann.tf_env")
case("variables", "chain", lambda: keras_io().variables([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\) = \(outputs, inputs\)", needs="yann.tf_env")
case("kernel_from_W", "ndim", lambda: keras_io().kernel_from_W(b1), ValueError,
     r"^W has shape \(3,\) \(1-D\), expected 2-D$", needs="yann.tf_env")
case("kernel_from_W", "non-finite", lambda: keras_io().kernel_from_W(np.full((2, 2), np.nan)), ValueError,
     "^W " + NON_FINITE, needs="yann.tf_env")
case("W_from_kernel", "non-finite", lambda: keras_io().W_from_kernel(np.full((2, 2), np.inf)), ValueError,
     "^kernel " + NON_FINITE, needs="yann.tf_env")
case("constant", "shape", lambda: keras_io().constant("x", X, shape=(2,)), ValueError,
     r"^x has shape \(3,\), expected \(2,\)$", needs="yann.tf_env")
case("constant", "dtype", lambda: keras_io().constant("x", X, dtype="int32"), TypeError,
     r"^dtype is int32, expected float32 or float64$", needs="yann.tf_env")
case("variables", "dtype", lambda: keras_io().variables(LAYERS, dtype="float16"), TypeError,
     r"^dtype is float16, expected float32 or float64$", needs="yann.tf_env")
case("load_dense", "transposed", lambda: keras_io().load_dense(dense2(), W2.T, b2, name="W2"), ValueError,
     r"^W2 has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\); it looks like a Keras kernel",
     needs="yann.tf_env")
case("load_dense", "shape", lambda: keras_io().load_dense(dense2(), W1, b2, name="W2"), ValueError,
     r"^W2 has shape \(3, 3\), expected \(2, 3\) = \(outputs, inputs\)", needs="yann.tf_env")
case("load_dense", "non-finite", lambda: keras_io().load_dense(dense2(), W2, [np.nan, 0.0], name="W2"), ValueError,
     "^b2 " + NON_FINITE, needs="yann.tf_env")
case("load_dense", "type", lambda: keras_io().load_dense("dense", W2, b2), TypeError,
     r"^dense is a str, expected a keras.layers.Dense$", needs="yann.tf_env")
case("keras_io.sequential", "chain", lambda: keras_io().sequential([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\) = \(outputs, inputs\)", needs="yann.tf_env")
case("keras_io.sequential", "dtype", lambda: keras_io().sequential(LAYERS, dtype="int32"), TypeError,
     r"^dtype is int32, expected float32 or float64$", needs="yann.tf_env")
case("dense_layers", "type", lambda: keras_io().dense_layers("model"), ValueError,
     r"^model is a str without Dense layers, expected a Keras model$", needs="yann.tf_env")
case("floatx", "dtype", lambda: keras_io().floatx("int8").__enter__(), TypeError,
     r"^dtype is int8, expected float32 or float64$", needs="yann.tf_env")
case("keras_io.gradients", "keys",
     lambda: keras_io().gradients(keras_io().variables(LAYERS), {"W1": None}), ValueError,
     r"^grads has keys \['W1'\], expected a dict with the keys of source", needs="yann.tf_env")
case("keras_io.gradients", "count", lambda: keras_io().gradients(keras_model(), [None]), ValueError,
     r"^grads has 1 entries, expected 4", needs="yann.tf_env")
case("keras_io.gradients", "none",
     lambda: keras_io().gradients(keras_io().variables(LAYERS), {k: None for k in ("W1", "b1", "W2", "b2")}),
     ValueError, r"^gradient of W1 is None: the tape saw no path", needs="yann.tf_env")
case("check_forward", "square-transposed",
     lambda: keras_io().check_forward(keras_io().sequential([mlp.Layer(W1.T.copy(), b1, "relu"), LAYERS[1]]),
                                      LAYERS, X), ValueError,
     r"^the model's output differs from the reference forward pass by a relative .*: a kernel may hold W "
     r"instead of W.T", needs="yann.tf_env")
case("check_forward", "x-shape", lambda: keras_io().check_forward(keras_model(), LAYERS, X[:2]), ValueError,
     r"^x has shape \(2,\), expected \(3,\) or \(batch, 3\)", needs="yann.tf_env")
case("keras_io.parameters", "type", lambda: keras_io().parameters(3), ValueError,
     r"^model is a int without Dense layers, expected a Keras model$", needs="yann.tf_env")
case("check_forward", "non-finite", lambda: keras_io().check_forward(keras_model(), LAYERS, NAN_X), ValueError,
     "^x " + NON_FINITE, needs="yann.tf_env")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
