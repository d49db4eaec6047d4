"""Bad input to yann.trace: refused with a message naming the argument and the expected shape or value."""

from __future__ import annotations

import functools

import numpy as np
from bad_input import LAYERS, NAN_X, NON_FINITE, W2, Cases, X, Y, b2

from yann import mlp, trace

CASES = Cases("yann.trace")
case = CASES.case
TRAIN = dict(learning_rate=0.1, steps=2)


@functools.cache
def a_trace():
    return trace.train(LAYERS, X, Y, learning_rate=0.1, steps=2, loss="bce")


case("train", "loss", lambda: trace.train(LAYERS, X, Y, loss="hinge", **TRAIN), ValueError,
     r"^loss is 'hinge', expected one of 'bce', 'mse', 'mae', 'half_sse'$")
case("train", "labels", lambda: trace.train(LAYERS, X, [1.2, 0.0], loss="bce", **TRAIN), ValueError,
     r"^y holds values in \[0, 1.2\], expected labels in \[0, 1\]")
case("train", "learning-rate", lambda: trace.train(LAYERS, X, Y, learning_rate=-1, steps=2), ValueError,
     r"^learning_rate is -1, expected a positive finite number")
case("train", "learning-rate-inf", lambda: trace.train(LAYERS, X, Y, learning_rate=np.inf, steps=2), ValueError,
     r"^learning_rate is inf, expected a positive finite number")
case("train", "learning-rate-type", lambda: trace.train(LAYERS, X, Y, learning_rate="0.1", steps=2), TypeError,
     r"^learning_rate is a str, expected a positive number")
case("train", "steps", lambda: trace.train(LAYERS, X, Y, learning_rate=0.1, steps=2.5), TypeError,
     r"^steps is a float, expected a non-negative int")
case("train", "steps-negative", lambda: trace.train(LAYERS, X, Y, learning_rate=0.1, steps=-1), ValueError,
     r"^steps is -1, expected a non-negative int")
case("train", "dtypes", lambda: trace.train(LAYERS, X.astype(np.float32), Y, **TRAIN), TypeError,
     r"^mismatched dtypes: x is float32, W1 is float64")
case("train", "chain", lambda: trace.train([LAYERS[1], LAYERS[0]], X, Y, **TRAIN), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)")
case("train", "x-shape", lambda: trace.train(LAYERS, X[:2], Y, **TRAIN), ValueError, r"^x has shape \(2,\), expected \(3,\)")
case("train", "non-finite", lambda: trace.train(LAYERS, NAN_X, Y, **TRAIN), ValueError, "^x " + NON_FINITE)
case("train", "y-shape", lambda: trace.train(LAYERS, X, [1.0, 0.0, 1.0], **TRAIN), ValueError,
     r"^y has shape \(3,\), expected \(2,\)")
case("train", "y-column", lambda: trace.train(LAYERS, X, Y[:, None], **TRAIN), ValueError,
     r"^y has shape \(2, 1\) \(2-D\), expected 1-D")
case("train", "freeze-biases", lambda: trace.train(LAYERS, X, Y, freeze_biases=[True, False], **TRAIN), TypeError,
     r"^freeze_biases is a list, expected a bool$")
case("train", "steps-bool", lambda: trace.train(LAYERS, X, Y, learning_rate=0.1, steps=True), TypeError,
     r"^steps is a bool, expected a non-negative int")
case("train", "learning-rate-zero", lambda: trace.train(LAYERS, X, Y, learning_rate=0.0, steps=2), ValueError,
     r"^learning_rate is 0.0, expected a positive finite number")
case("train", "learning-rate-nan", lambda: trace.train(LAYERS, X, Y, learning_rate=np.nan, steps=2), ValueError,
     r"^learning_rate is nan, expected a positive finite number")
case("train", "layers-type", lambda: trace.train([W2], X, Y, **TRAIN), TypeError,
     r"^layers\[0\] is a ndarray, expected a yann.mlp.Layer")
case("train", "empty", lambda: trace.train([], X, Y, **TRAIN), ValueError, r"^layers is empty")
# A run that diverges: mlp.gradients refuses a NaN, so train must too (it recorded NaN losses before).
case("train", "diverges", lambda: trace.train([mlp.Layer(W2, b2, "identity")], X * 100, Y, loss="mse",
     learning_rate=1e3, steps=200), ValueError, r"^step \d+: .*not finite.*expected finite")
case("train", "saturates", lambda: trace.train(LAYERS, X, Y, loss="bce", learning_rate=1e4, steps=50), ValueError,
     r"^step \d+: .*not finite.*expected finite")
case("Trace.layers", "step", lambda: a_trace().layers(5), ValueError, r"^step is 5, expected 0 to 2")
case("Trace.layers", "step-type", lambda: a_trace().layers(1.0), TypeError, r"^step is a float, expected an int")
case("Trace.table_rows", "layout", lambda: a_trace().table_rows(layout="keras"), ValueError,
     r"^layout is 'keras', expected one of 'W', 'kernel'$")
case("Trace.table_rows", "steps", lambda: a_trace().table_rows(steps=[0, 3]), ValueError, r"^step is 3, expected 0 to 2")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
