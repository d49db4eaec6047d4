"""Bad input to yann.mlp: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import functools

import numpy as np

from yann import mlp
from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.mlp')
case = CASES.case


@functools.cache
def gradients():
    return mlp.gradients(LAYERS, X, Y)

case("Layer", "transposed", lambda: mlp.Layer(W2.T, b2, "sigmoid"), ValueError,
     r"^W has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\).*transposed.*Keras kernel")
case("Layer", "shapes", lambda: mlp.Layer(W1, b2, "relu"), ValueError,
     r"^b has shape \(2,\), expected \(3,\) = \(outputs,\)")
case("Layer", "non-finite", lambda: mlp.Layer(W2, INF_B2, "sigmoid"), ValueError, "^b " + NON_FINITE)
case("Layer", "activation", lambda: mlp.Layer(W1, b1, "softmax"), ValueError,
     rf"^activation is 'softmax', expected one of {ACTS}$")
case("Layer", "dtypes", lambda: mlp.Layer(W1.astype(np.float32), b1, "relu"), TypeError,
     r"^mismatched dtypes: W is float32, b is float64; expected one dtype")
case("Layer", "type", lambda: mlp.Layer("abc", b1, "relu"), TypeError, r"^W must hold real numbers, got dtype <U3")
case("Layer", "ndim", lambda: mlp.Layer(b1, b1, "relu"), ValueError, r"^W has shape \(3,\) \(1-D\), expected 2-D")

case("forward", "chain", lambda: mlp.forward([LAYERS[1], LAYERS[0]], X), ValueError,
     r"^W2 has shape \(3, 3\), expected \(outputs, 2\) = \(outputs, inputs\): its input has 2 values")
case("forward", "transposed",
     lambda: mlp.forward([LAYERS[0], mlp.Layer(W2.T.copy(), np.zeros(3), "sigmoid")], X), ValueError,
     r"^W2 has shape \(3, 2\), expected \(3, 3\) = \(outputs, inputs\).*Keras kernel")
case("forward", "x-shape", lambda: mlp.forward(LAYERS, X[:2]), ValueError,
     r"^x has shape \(2,\), expected \(3,\)")
case("forward", "non-finite", lambda: mlp.forward(LAYERS, NAN_X), ValueError, "^x " + NON_FINITE)
case("forward", "dtypes", lambda: mlp.forward(LAYERS, X.astype(np.float32)), TypeError,
     r"^mismatched dtypes: x is float32, W1 is float64, W2 is float64; expected one dtype")
case("forward", "ndim", lambda: mlp.forward(LAYERS, X[None, None]), ValueError,
     r"^x has shape \(1, 1, 3\) \(3-D\), expected 1 or 2-D")
case("forward", "empty", lambda: mlp.forward([], X), ValueError, r"^layers is empty, expected at least one Layer")
case("forward", "not-a-layer", lambda: mlp.forward([W1], X), TypeError,
     r"^layers\[0\] is a ndarray, expected a yann.mlp.Layer")
case("forward", "one-layer", lambda: mlp.forward(LAYERS[0], X), TypeError,
     r"^layers is a Layer, expected a sequence of yann.mlp.Layer")

case("gradients", "labels", lambda: mlp.gradients(LAYERS, X, [1.5, 0.0]), ValueError,
     r"^y holds values in \[0, 1.5\], expected labels in \[0, 1\] for binary cross-entropy")
case("gradients", "loss", lambda: mlp.gradients(LAYERS, X, Y, "hinge"), ValueError,
     r"^loss is 'hinge', expected one of 'bce', 'mse', 'mae'$")
case("gradients", "y-shape", lambda: mlp.gradients(LAYERS, X, Y[:, None]), ValueError,
     r"^y has shape \(2, 1\) \(2-D\), expected 1-D")
case("gradients", "y-length", lambda: mlp.gradients(LAYERS, X, [1.0, 0.0, 0.0]), ValueError,
     r"^y has shape \(3,\), expected \(2,\) = the shape of the network's output")
case("gradients", "non-finite", lambda: mlp.gradients(LAYERS, X, [np.nan, 0.0]), ValueError, "^y " + NON_FINITE)
case("gradients", "dtypes", lambda: mlp.gradients(LAYERS, X.astype(np.float32), Y), TypeError,
     r"^mismatched dtypes: x is float32, W1 is float64")
case("gradients", "y-type", lambda: mlp.gradients(LAYERS, X, np.array(["1", "0"])), TypeError,
     r"^y must hold real numbers, got dtype <U1")
case("gradients", "bce-output",
     lambda: mlp.gradients([LAYERS[0], mlp.Layer(W2, b2, "identity")], X, Y, "bce"), ValueError,
     r"^output holds values in \[.*\], expected values strictly between 0 and 1 for binary cross-entropy")

case("sgd_step", "learning-rate", lambda: mlp.sgd_step(LAYERS, gradients(), float("nan")), ValueError,
     r"^learning_rate is nan, expected a positive finite number")
case("sgd_step", "learning-rate-type", lambda: mlp.sgd_step(LAYERS, gradients(), "0.1"), TypeError,
     r"^learning_rate is a str, expected a positive number")
case("sgd_step", "grads-type", lambda: mlp.sgd_step(LAYERS, {"W": 1}, 0.1), TypeError,
     r"^grads is a dict, expected yann.mlp.Gradients")
case("sgd_step", "grads-other-network", lambda: mlp.sgd_step([LAYERS[1], LAYERS[0]], gradients(), 0.1),
     ValueError, r"^grads.W\[0\] has shape \(3, 3\), expected \(2, 3\) = the shape of W1")

case("activate", "activation", lambda: mlp.activate("softplus", X), ValueError,
     rf"^activation is 'softplus', expected one of {ACTS}$")
case("activate", "non-finite", lambda: mlp.activate("relu", NAN_X), ValueError, "^z " + NON_FINITE)
case("activate", "type", lambda: mlp.activate("relu", "x"), TypeError, r"^z must hold real numbers")
case("activation_vjp", "activation", lambda: mlp.activation_vjp("elu", X, X, X), ValueError,
     rf"^activation is 'elu', expected one of {ACTS}$")
case("activation_vjp", "shapes", lambda: mlp.activation_vjp("sigmoid", np.ones(2), X, X), ValueError,
     r"^grad_a has shape \(2,\), expected \(3,\) = the shape of z")
case("activation_vjp", "non-finite", lambda: mlp.activation_vjp("sigmoid", np.ones(3), NAN_X, X), ValueError,
     "^z " + NON_FINITE)
case("activation_vjp", "dtypes", lambda: mlp.activation_vjp("tanh", np.ones(3, np.float32), X, X), TypeError,
     r"^mismatched dtypes: grad_a is float32, z is float64, a is float64")

for fn in ("loss_value", "loss_vjp"):
    call = getattr(mlp, fn)
    case(fn, "loss", functools.partial(call, "ce", OUTPUT, Y), ValueError,
         r"^loss is 'ce', expected one of 'bce', 'mse', 'mae'$")
    # (2,) against (2, 1) would broadcast to a 2 x 2 grid of losses: the book's TensorFlow pitfall.
    case(fn, "shapes", functools.partial(call, "mse", OUTPUT, Y[:, None]), ValueError,
         r"^y has shape \(2, 1\), expected \(2,\) = the shape of output")
    case(fn, "labels", functools.partial(call, "bce", OUTPUT, [2.0, 0.0]), ValueError,
         r"^y holds values in \[0, 2\], expected labels in \[0, 1\] for binary cross-entropy")
    case(fn, "bce-output", functools.partial(call, "bce", np.array([1.7, 0.4]), Y), ValueError,
         r"^output holds values in \[0.4, 1.7\], expected values strictly between 0 and 1")
    case(fn, "non-finite", functools.partial(call, "mse", np.array([np.nan, 0.4]), Y), ValueError,
         "^output " + NON_FINITE)


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
