"""Bad input to yann.mlp: refused with a message naming the argument and the expected shape or value.

``forward_pass`` and ``backprop`` are exempt: they are chapter 5's code, verbatim, and trust their
caller; ``forward`` and ``gradients`` are their checked entries (issue 13: validate at the boundary).
"""

from __future__ import annotations

import functools

import numpy as np
from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, W1, W2, Cases, X, Y, b1, b2

from yann import mlp

CASES = Cases("yann.mlp", exempt={"forward_pass", "backprop"})
case = CASES.case
LOSSES = "'bce', 'mse', 'mae', 'half_sse'"


@functools.cache
def gradients():
    return mlp.gradients(LAYERS, X, Y)


def fewer(what):
    """Gradients of the running example with the last layer's ``what`` gradient missing."""
    g = gradients()
    return mlp.Gradients(g.loss, g.W[:-1] if what == "W" else g.W, g.b[:-1] if what == "b" else g.b, g.forward)


def huge():
    """Gradients of 1e308 in every weight: a step of rate 10 overflows to inf."""
    g = gradients()
    return mlp.Gradients(g.loss, tuple(np.full_like(w, 1e308) for w in g.W), g.b, g.forward)


# Layer
case("Layer", "transposed", lambda: mlp.Layer(W2.T, b2, "sigmoid"), ValueError,
     r"^W has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\).*Keras kernel")
case("Layer", "shapes", lambda: mlp.Layer(W1, b2, "relu"), ValueError, r"^b has shape \(2,\), expected \(3,\)")
case("Layer", "column-bias", lambda: mlp.Layer(W2, b2[:, None], "relu"), ValueError,
     r"^b has shape \(2, 1\) \(2-D\), expected 1-D")
case("Layer", "0-d", lambda: mlp.Layer(np.float64(1.0), b2, "relu"), ValueError, r"^W has shape \(\) \(0-D\), expected 2-D")
case("Layer", "3-d", lambda: mlp.Layer(W2[None], b2, "relu"), ValueError, r"^W has shape \(1, 2, 3\) \(3-D\), expected 2-D")
case("Layer", "empty", lambda: mlp.Layer(np.zeros((0, 3)), np.zeros(0), "relu"), ValueError,
     r"^W has shape \(0, 3\), expected at least one output and one input")
case("Layer", "non-finite", lambda: mlp.Layer(W2, INF_B2, "sigmoid"), ValueError, "^b " + NON_FINITE)
case("Layer", "activation", lambda: mlp.Layer(W1, b1, "softmax"), ValueError,
     rf"^activation is 'softmax', expected one of {ACTS}$")
case("Layer", "dtypes", lambda: mlp.Layer(W1.astype(np.float32), b1, "relu"), TypeError,
     r"^mismatched dtypes: W is float32, b is float64")
case("Layer", "type", lambda: mlp.Layer("abc", b1, "relu"), TypeError, r"^W must hold real numbers")
case("Layer", "complex", lambda: mlp.Layer(W1 + 1j, b1, "relu"), TypeError, r"^W must hold real numbers")

# forward
case("forward", "chain", lambda: mlp.forward([LAYERS[1], LAYERS[0]], X), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)")
case("forward", "transposed",
     lambda: mlp.forward([LAYERS[0], mlp.Layer(W2.T.copy(), np.zeros(3), "sigmoid")], X), ValueError,
     r"^W2 has shape \(3, 2\), expected \(3, 3\).*Keras kernel")
case("forward", "x-shape", lambda: mlp.forward(LAYERS, X[:2]), ValueError, r"^x has shape \(2,\), expected \(3,\)")
case("forward", "x-column", lambda: mlp.forward(LAYERS, X[:, None]), ValueError,
     r"^x has shape \(3, 1\), expected \(3, 3\)")
case("forward", "x-0-d", lambda: mlp.forward(LAYERS, 1.0), ValueError, r"^x has shape \(\) \(0-D\), expected 1 or 2-D")
case("forward", "x-3-d", lambda: mlp.forward(LAYERS, X[None, None]), ValueError,
     r"^x has shape \(1, 1, 3\) \(3-D\), expected 1 or 2-D")
case("forward", "non-finite", lambda: mlp.forward(LAYERS, NAN_X), ValueError, "^x " + NON_FINITE)
case("forward", "dtypes", lambda: mlp.forward(LAYERS, X.astype(np.float32)), TypeError,
     r"^mismatched dtypes: x is float32, W1 is float64")
case("forward", "layer-dtypes", lambda: mlp.forward([LAYERS[0], mlp.Layer(W2.astype(np.float32),
     b2.astype(np.float32), "sigmoid")], X), TypeError, r"^mismatched dtypes: W1 is float64, W2 is float32")
case("forward", "empty", lambda: mlp.forward([], X), ValueError, r"^layers is empty, expected at least one")
case("forward", "not-a-layer", lambda: mlp.forward([W1], X), TypeError, r"^layers\[0\] is a ndarray, expected a yann.mlp.Layer")
case("forward", "one-layer", lambda: mlp.forward(LAYERS[0], X), TypeError, r"^layers is a Layer, expected a sequence")
case("forward", "torch-tensor", lambda: mlp.forward(LAYERS, __import__("torch").tensor(X[:2])), ValueError,
     r"^x has shape \(2,\), expected \(3,\)", needs="torch")

# gradients
case("gradients", "labels", lambda: mlp.gradients(LAYERS, X, [1.5, 0.0]), ValueError,
     r"^y holds values in \[0, 1.5\], expected labels in \[0, 1\]")
case("gradients", "loss", lambda: mlp.gradients(LAYERS, X, Y, "hinge"), ValueError,
     rf"^loss is 'hinge', expected one of {LOSSES}$")
case("gradients", "y-column", lambda: mlp.gradients(LAYERS, X, Y[:, None]), ValueError,
     r"^y has shape \(2, 1\) \(2-D\), expected 1-D")
case("gradients", "y-length", lambda: mlp.gradients(LAYERS, X, [1.0, 0.0, 0.0]), ValueError,
     r"^y has shape \(3,\), expected \(2,\)")
case("gradients", "y-batch", lambda: mlp.gradients(LAYERS, np.stack([X, X]), [[1.0, 0.0]]), ValueError,
     r"^y has shape \(1, 2\), expected \(2, 2\)")
case("gradients", "non-finite", lambda: mlp.gradients(LAYERS, X, [np.nan, 0.0]), ValueError, "^y " + NON_FINITE)
case("gradients", "float32-overflow",
     lambda: mlp.gradients(RUNNING_32(), X.astype(np.float32), [1e39, 0.0], "mse"), ValueError,
     r"^y holds values too large for float32")
case("gradients", "dtypes", lambda: mlp.gradients(LAYERS, X.astype(np.float32), Y), TypeError,
     r"^mismatched dtypes: x is float32, W1 is float64")
case("gradients", "y-type", lambda: mlp.gradients(LAYERS, X, np.array(["1", "0"])), TypeError, r"^y must hold real numbers")
case("gradients", "bce-output",
     lambda: mlp.gradients([LAYERS[0], mlp.Layer(W2, b2, "identity")], X, Y, "bce"), ValueError,
     r"^output holds values in \[.*\], expected values strictly between 0 and 1")
case("gradients", "saturated", lambda: mlp.gradients([mlp.Layer(W2 * 100, b2 + 40, "sigmoid")], X, Y), ValueError,
     r"^output holds values in \[.*1\], expected values strictly between 0 and 1")

# sgd_step
case("sgd_step", "learning-rate", lambda: mlp.sgd_step(LAYERS, gradients(), float("nan")), ValueError,
     r"^learning_rate is nan, expected a positive finite number")
case("sgd_step", "learning-rate-negative", lambda: mlp.sgd_step(LAYERS, gradients(), -0.1), ValueError,
     r"^learning_rate is -0.1, expected a positive finite number")
case("sgd_step", "learning-rate-float32", lambda: mlp.sgd_step(RUNNING_32(), gradients32(), 1e39), ValueError,
     r"^learning_rate is 1e\+39, expected a positive finite number in float32")
case("sgd_step", "learning-rate-type", lambda: mlp.sgd_step(LAYERS, gradients(), "0.1"), TypeError,
     r"^learning_rate is a str, expected a positive number")
case("sgd_step", "grads-type", lambda: mlp.sgd_step(LAYERS, {"W": 1}, 0.1), TypeError,
     r"^grads is a dict, expected yann.mlp.Gradients")
case("sgd_step", "grads-other-network", lambda: mlp.sgd_step([LAYERS[0], LAYERS[0]], gradients(), 0.1),
     ValueError, r"^grads.W\[1\] has shape \(2, 3\), expected \(3, 3\)")
case("sgd_step", "fewer-W", lambda: mlp.sgd_step(LAYERS, fewer("W"), 0.1), ValueError,
     r"^grads.W has 1 arrays, expected 2")
case("sgd_step", "fewer-b", lambda: mlp.sgd_step(LAYERS, fewer("b"), 0.1), ValueError,
     r"^grads.b has 1 arrays, expected 2")
case("sgd_step", "overflow", lambda: mlp.sgd_step(LAYERS, huge(), 10.0), ValueError, "^W " + NON_FINITE)


@functools.cache
def RUNNING_32():
    return [mlp.Layer(layer.W.astype(np.float32), layer.b.astype(np.float32), layer.activation) for layer in LAYERS]


@functools.cache
def gradients32():
    return mlp.gradients(RUNNING_32(), X.astype(np.float32), Y.astype(np.float32))


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
