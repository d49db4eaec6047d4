"""Bad input to yann.keras_io: refused with a message naming the argument, what it got and
what was expected. Models of the wrong architecture (not a Sequential, nested, a layer used
twice, no bias) are refused before any number is read from them."""

from __future__ import annotations

import functools

import numpy as np
from bad_input import LAYERS, NAN_X, NON_FINITE, W1, W2, Cases, b1, b2

from yann import mlp
from yann.example import RUNNING

CASES = Cases("yann.keras_io", needs={"yann.keras_io": "yann.tf_env"})
TF = "yann.tf_env"


def case(function, kind, call, error, pattern):
    CASES.case(function, kind, call, error, pattern, needs=TF)


def keras_io():
    from yann import keras_io

    return keras_io


def keras():
    from yann.tf_env import keras

    return keras


@functools.cache
def keras_model():
    return keras_io().sequential(LAYERS)


def twice():
    """A Sequential that calls one 3 -> 3 Dense layer twice."""
    dense = keras().layers.Dense(3)
    return keras().Sequential([keras().Input(shape=(3,)), dense, dense])


def nested():
    inner = keras().Sequential([keras().layers.Dense(3)])
    return keras().Sequential([keras().Input(shape=(3,)), inner, keras().layers.Dense(2)])


def out_of_order():
    """A subclassed model whose layers are registered in the opposite order to their calls."""

    class OutOfOrder(keras().Model):
        def __init__(self):
            super().__init__()
            self.output_layer = keras().layers.Dense(3)
            self.hidden = keras().layers.Dense(3)

        def call(self, x):
            return self.output_layer(self.hidden(x))

    model = OutOfOrder()
    model(np.ones((1, 3), np.float32))
    return model


def frozen():
    model = keras_io().sequential(LAYERS)
    model.layers[0].trainable = False
    return model


def nan_weight():
    model = keras_io().sequential(LAYERS)
    model.layers[1].kernel.assign(np.full((3, 2), np.nan, np.float32))
    return model


def no_bias():
    return keras().Sequential([keras().Input(shape=(3,)), keras().layers.Dense(2, use_bias=False)])


DTYPE = r"^dtype is {}, expected float32 or float64$"
# sequential
case("keras_io.sequential", "chain", lambda: keras_io().sequential([LAYERS[1], LAYERS[0]]),
     ValueError, r"^W2 has shape \(3, 3\), expected \(3, 2\) = \(outputs, inputs\)")
case("keras_io.sequential", "example", lambda: keras_io().sequential(RUNNING), TypeError,
     r"^layers is a Example, expected a sequence of yann.mlp.Layer$")
case("keras_io.sequential", "dtype", lambda: keras_io().sequential(LAYERS, dtype="int32"),
     TypeError, DTYPE.format("int32"))
case("keras_io.sequential", "float32-overflow",
     lambda: keras_io().sequential([mlp.Layer(W2, b2 + 1e39, "sigmoid")]), ValueError,
     r"^b1 holds values too large for float32")
# parameters
case("keras_io.parameters", "type", lambda: keras_io().parameters(3), TypeError,
     r"^model is a int, expected a keras.Sequential of Dense layers$")
case("keras_io.parameters", "out-of-order", lambda: keras_io().parameters(out_of_order()), TypeError,
     r"^model is a OutOfOrder, expected a keras.Sequential of Dense layers: only in a Sequential")
case("keras_io.parameters", "nested", lambda: keras_io().parameters(nested()), TypeError,
     r"^model layer 1 is a nested Sequential, expected a Dense layer")
case("keras_io.parameters", "twice", lambda: keras_io().parameters(twice()), ValueError,
     r"^model layer 2 is layer 1 again \('.*'\): a layer used twice shares its weights")
case("keras_io.parameters", "no-bias", lambda: keras_io().parameters(no_bias()), ValueError,
     r"^model layer 1 \('.*'\) has no bias, expected use_bias=True")
case("keras_io.parameters", "dict", lambda: keras_io().parameters({"W1": np.zeros(2)}), TypeError,
     r"^model is a dict, expected a keras.Sequential of Dense layers$")
case("keras_io.parameters", "nan", lambda: keras_io().parameters(nan_weight()), ValueError,
     "^kernel 2 " + NON_FINITE)
# gradients
case("keras_io.gradients", "count", lambda: keras_io().gradients(keras_model(), [None]), ValueError,
     r"^grads has 1 entries, expected 4")
case("keras_io.gradients", "dict-for-model", lambda: keras_io().gradients(keras_model(), {}),
     TypeError, r"^grads is a dict, expected the list that tape.gradient")
case("keras_io.gradients", "none", lambda: keras_io().gradients(keras_model(), [None] * 4),
     ValueError, r"^gradient of kernel 1 is None: the tape saw no path")
case("keras_io.gradients", "nan", lambda: keras_io().gradients(keras_model(), [W1, b1, W2.T, NAN_X[:2]]),
     ValueError, "^gradient of bias 2 " + NON_FINITE)
case("keras_io.gradients", "shape",
     lambda: keras_io().gradients(keras_model(), [W1, b1, W2, b2]), ValueError,
     r"^gradient of kernel 2 has shape \(2, 3\), expected \(3, 2\) = \(inputs, outputs\)")
case("keras_io.gradients", "frozen", lambda: keras_io().gradients(frozen(), [None] * 2), ValueError,
     r"^model.trainable_variables are not kernel 1, bias 1, .*trainable=False")
case("keras_io.gradients", "twice", lambda: keras_io().gradients(twice(), [None] * 2), ValueError,
     r"^model layer 2 is layer 1 again")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
