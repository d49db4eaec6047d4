"""Bad input to yann.trace: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import functools

import numpy as np

from yann import trace
from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.trace')
case = CASES.case


@functools.cache
def a_trace():
    return trace.train(LAYERS, X, Y, learning_rate=0.1, steps=2, loss="bce")

TRAIN = dict(learning_rate=0.1, steps=2)
case("train", "loss", lambda: trace.train(LAYERS, X, Y, loss="hinge", **TRAIN), ValueError,
     r"^loss is 'hinge', expected one of 'mse', 'bce', 'mae', 'half_sse'$")
case("train", "labels", lambda: trace.train(LAYERS, X, [1.2, 0.0], loss="bce", **TRAIN), ValueError,
     r"^y holds values in \[0, 1.2\], expected labels in \[0, 1\] for binary cross-entropy")
case("train", "learning-rate", lambda: trace.train(LAYERS, X, Y, learning_rate=-1, steps=2), ValueError,
     r"^learning_rate is -1, expected a positive finite number$")
case("train", "steps", lambda: trace.train(LAYERS, X, Y, learning_rate=0.1, steps=2.5), TypeError,
     r"^steps is a float, expected a non-negative int$")
case("train", "dtypes", lambda: trace.train(LAYERS, X.astype(np.float32), Y, **TRAIN), TypeError,
     r"^mismatched dtypes: x is float32, W1 is float64")
case("train", "chain", lambda: trace.train([LAYERS[1], LAYERS[0]], X, Y, **TRAIN), ValueError,
     r"^W2 has shape \(3, 3\), expected \(outputs, 2\)")
case("train", "non-finite", lambda: trace.train(LAYERS, NAN_X, Y, **TRAIN), ValueError, "^x " + NON_FINITE)
case("train", "y-shape", lambda: trace.train(LAYERS, X, [1.0, 0.0, 1.0], **TRAIN), ValueError,
     r"^y has shape \(3,\), expected \(2,\) = the shape of the network's output$")
case("train", "freeze-biases", lambda: trace.train(LAYERS, X, Y, freeze_biases=[True], **TRAIN), ValueError,
     r"^freeze_biases is \(True,\), expected a bool or 2 bools \(one per layer\)$")
for fn in ("loss_value", "loss_vjp"):
    call = getattr(trace, fn)
    case(f"trace.{fn}", "loss", functools.partial(call, "ce", OUTPUT, Y), ValueError,
         r"^loss is 'ce', expected one of 'mse', 'bce', 'mae', 'half_sse'$")
    case(f"trace.{fn}", "shapes", functools.partial(call, "half_sse", OUTPUT, Y[:, None]), ValueError,
         r"^y has shape \(2, 1\), expected \(2,\) = the shape of output$")
    case(f"trace.{fn}", "labels", functools.partial(call, "bce", OUTPUT, [2.0, 0.0]), ValueError,
         r"^y holds values in \[0, 2\], expected labels in \[0, 1\] for binary cross-entropy$")
    case(f"trace.{fn}", "bce-output", functools.partial(call, "bce", [0.0, 0.4], Y), ValueError,
         r"^output holds values in \[0, 0.4\], expected values strictly between 0 and 1 for binary cross-entropy")
    case(f"trace.{fn}", "non-finite", functools.partial(call, "mse", [np.inf, 0.4], Y), ValueError,
         "^output " + NON_FINITE)
    case(f"trace.{fn}", "type", functools.partial(call, "mse", ["a", "b"], Y), TypeError,
         r"^output must hold real numbers, got dtype <U1$")
case("Trace.layers", "step", lambda: a_trace().layers(5), ValueError,
     r"^step is 5, expected 0 to 2 \(or a negative index from the end\)$")
case("Trace.layers", "step-type", lambda: a_trace().layers(1.0), TypeError, r"^step is a float, expected an int$")
case("Trace.table_rows", "layout", lambda: a_trace().table_rows(layout="keras"), ValueError,
     r"^layout is 'keras', expected one of 'W', 'kernel'$")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
