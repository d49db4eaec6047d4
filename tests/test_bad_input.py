"""Bad input to every public yann function fails loudly, with a message that helps.

Each case hands one kind of bad input to one public function: shapes that do not chain, a weight
matrix in the other layout (a Keras kernel's (inputs, outputs) instead of the book's
(outputs, inputs)), non-finite values, labels outside [0, 1] for binary cross-entropy, an unknown
activation or loss name, mismatched dtypes, or simply the wrong type. The call must raise
``ValueError`` or ``TypeError`` (the one given) and the message must match a regular expression
that names the argument, what it got and what was expected.

torch and TensorFlow are imported only by the cases that need them (a case is a function that
runs the call), and a framework's cases are skipped when the framework is not installed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np
import pytest

from yann import example, figures, glue, jacobian_chain, jacobians, mlp, model_state, printing, trace
from yann.example import RUNNING

# The running example, and bad versions of its values.
X, Y = RUNNING.array("x"), RUNNING.array("y")
W1, b1, W2, b2 = (RUNNING.array(name) for name in ("W1", "b1", "W2", "b2"))
LAYERS = RUNNING.layers()
NAN_X = np.array([0.23, np.nan, 0.47])
INF_B2 = np.array([0.0, np.inf])
OUTPUT = np.array([0.7, 0.4])  # a valid sigmoid output of two units
ACTS = "'relu', 'sigmoid', 'tanh', 'identity'"
NON_FINITE = r"holds non-finite values \(nan or inf\); expected finite numbers"

CASES: list = []


def case(function: str, kind: str, call: Callable[[], object], error: type[Exception], pattern: str,
         *, needs: str | None = None) -> None:
    """Register a case: ``call()`` must raise ``error`` with a message matching ``pattern``."""
    CASES.append(pytest.param(call, error, pattern, needs, id=f"{function}-{kind}"))


@functools.cache
def gradients() -> mlp.Gradients:
    return mlp.gradients(LAYERS, X, Y)


@functools.cache
def a_trace() -> trace.Trace:
    return trace.train(LAYERS, X, Y, learning_rate=0.1, steps=2, loss="bce")


# --- yann.mlp ----------------------------------------------------------------------------------

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

# --- yann.example ------------------------------------------------------------------------------

case("Example.array", "name", lambda: RUNNING.array("W3"), ValueError,
     r"^name is 'W3', expected one of 'x', 'y', 'W1', 'b1', 'W2', 'b2'$")
case("Example.array", "dtype", lambda: RUNNING.array("W1", np.int32), TypeError,
     r"^dtype is int32, expected float32 or float64$")
case("Example.arrays", "dtype", lambda: RUNNING.arrays("int64"), TypeError, r"^dtype is int64, expected float32 or float64$")
case("Example.exact", "name", lambda: RUNNING.exact("W9"), ValueError, r"^name is 'W9', expected one of 'x', ")
case("Example.layers", "dtype", lambda: RUNNING.layers(np.float16), TypeError,
     r"^dtype is float16, expected float32 or float64$")
case("as_layers", "empty", lambda: example.as_layers([]), ValueError,
     r"^layers is empty, expected at least one yann.mlp.Layer$")
case("as_layers", "chain", lambda: example.as_layers([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\) = \(outputs, inputs\): layer 1 has 2 outputs$")
case("as_layers", "one-layer", lambda: example.as_layers(LAYERS[0]), TypeError,
     r"^layers is a Layer, expected a sequence of yann.mlp.Layer \(or an Example\)$")
case("as_layers", "not-a-layer", lambda: example.as_layers([W1]), TypeError,
     r"^layers\[0\] is a ndarray, expected a yann.mlp.Layer$")
case("reference", "name", lambda: example.reference("grad_W3"), ValueError, r"^name is 'grad_W3', expected one of 'a1', ")

# --- yann.printing, yann.glue, yann.figures ----------------------------------------------------

case("fmt", "non-finite", lambda: printing.fmt([1.0, np.nan]), ValueError, "^value " + NON_FINITE)
case("fmt", "ndim", lambda: printing.fmt(np.zeros((2, 2, 2))), ValueError,
     r"^value has shape \(2, 2, 2\) \(3-D\), expected 0 or 1 or 2-D")
case("fmt", "decimals", lambda: printing.fmt(1.0, -1), ValueError, r"^decimals is -1, expected a non-negative int$")
case("fmt", "type", lambda: printing.fmt("abc"), TypeError, r"^value must hold real numbers, got dtype <U3")
case("show", "non-finite", lambda: printing.show("a", [np.inf]), ValueError, "^value " + NON_FINITE)
case("show", "label", lambda: printing.show(3, [1.0]), TypeError, r"^label is a int, expected a str$")
case("table", "rows", lambda: printing.table([1, 2]), TypeError, r"^rows is a list, expected a dict of dicts")
case("table", "row", lambda: printing.table({"a": 1.0}), TypeError, r"^rows\['a'\] is a float, expected a dict")
case("table", "decimals", lambda: printing.table({"a": {"x": 1.0}}, decimals=-2), ValueError,
     r"^decimals is -2, expected a non-negative int$")
case("table", "non-finite", lambda: printing.table({"a": {"x": float("nan")}}), ValueError,
     r"^rows\['a'\]\['x'\] is nan, expected a finite number$")
case("expect_error", "empty", lambda: printing.expect_error(), ValueError,
     r"^types is empty, expected at least one exception class$")
case("expect_error", "type", lambda: printing.expect_error(int), TypeError,
     r"^types\[0\] is <class 'int'>, expected an exception class")
case("glue", "name", lambda: glue.glue("", 1.0), ValueError, r"^name is '', expected a non-empty string$")
case("glue", "non-finite", lambda: glue.glue("key", float("nan")), ValueError, "^value " + NON_FINITE)
case("glue", "decimals", lambda: glue.glue("key", 1.0, decimals=-1), ValueError,
     r"^decimals is -1, expected a non-negative int$")
case("draw_network", "chain", lambda: figures.draw_network([W1, W2.T], ["relu", "sigmoid"]), ValueError,
     r"^weights\[1\] has shape \(3, 2\), expected \(3, 3\) = \(outputs, inputs\) to follow weights\[0\]")
case("draw_network", "activation", lambda: figures.draw_network([W1, W2], ["relu", "soft"]), ValueError,
     rf"^activations is 'soft', expected one of {ACTS}$")
case("draw_network", "non-finite", lambda: figures.draw_network([W1, np.full((2, 3), np.nan)], ["relu", "sigmoid"]),
     ValueError, r"^weights\[1\] " + NON_FINITE)
case("draw_network", "count", lambda: figures.draw_network([W1, W2], ["relu"]), ValueError,
     r"^activations has 1 names, expected 2 \(one per layer\)$")
case("draw_network", "empty", lambda: figures.draw_network([], []), ValueError,
     r"^weights is empty, expected one weight matrix \(outputs, inputs\) per layer$")
case("draw_network", "input-names", lambda: figures.draw_network([W1, W2], ["relu", "sigmoid"], input_names=["a"]),
     ValueError, r"^input_names has 1 names, expected 3$")

# --- yann.trace --------------------------------------------------------------------------------

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

# --- yann.jacobian_chain -----------------------------------------------------------------------

case("explicit_gradients", "order", lambda: jacobian_chain.explicit_gradients(LAYERS, X, Y, order="sideways"),
     ValueError, r"^order is 'sideways', expected one of 'reverse', 'forward'$")
case("explicit_gradients", "batch", lambda: jacobian_chain.explicit_gradients(LAYERS, X[None], Y[None]),
     ValueError, r"^x has shape \(1, 3\) \(2-D\), expected 1-D$")
case("explicit_gradients", "labels", lambda: jacobian_chain.explicit_gradients(LAYERS, X, [2.0, 0.0]), ValueError,
     r"^y holds values in \[0, 2\], expected labels in \[0, 1\] for binary cross-entropy$")
case("explicit_gradients", "loss", lambda: jacobian_chain.explicit_gradients(LAYERS, X, Y, loss="ce"), ValueError,
     r"^loss is 'ce', expected one of 'bce', 'mse', 'mae'$")
case("explicit_gradients", "chain", lambda: jacobian_chain.explicit_gradients([LAYERS[1], LAYERS[0]], X, Y),
     ValueError, r"^W2 has shape \(3, 3\), expected \(outputs, 2\)")
case("weight_jacobian", "n_out", lambda: jacobian_chain.weight_jacobian(X, 0), ValueError,
     r"^n_out is 0, expected a positive int$")
case("weight_jacobian", "non-finite", lambda: jacobian_chain.weight_jacobian(NAN_X, 2), ValueError,
     "^a_in " + NON_FINITE)
case("activation_jacobian", "activation", lambda: jacobian_chain.activation_jacobian("elu", X, X), ValueError,
     rf"^activation is 'elu', expected one of {ACTS}$")
case("activation_jacobian", "non-finite", lambda: jacobian_chain.activation_jacobian("relu", NAN_X, NAN_X),
     ValueError, "^z " + NON_FINITE)
case("activation_jacobian", "shapes", lambda: jacobian_chain.activation_jacobian("sigmoid", X, X[:2]), ValueError,
     r"^a has shape \(2,\), expected \(3,\) = the shape of z")
case("jacobian_shapes", "size", lambda: jacobian_chain.jacobian_shapes(0, 3), ValueError,
     r"^n_in is 0, expected a positive int$")
case("chain_cost", "widths", lambda: jacobian_chain.chain_cost([3]), ValueError,
     r"^widths is \[3\], expected at least two positive ints")
case("vjp_cost", "batch", lambda: jacobian_chain.vjp_cost([3, 2], batch=0), ValueError,
     r"^batch is 0, expected a positive int$")
case("chain_entries", "order", lambda: jacobian_chain.chain_entries([3, 2], order="x"), ValueError,
     r"^order is 'x', expected one of 'reverse', 'forward'$")

# --- yann.jacobians ----------------------------------------------------------------------------

case("bce_jacobian", "labels", lambda: jacobians.bce_jacobian([0.7, 0.4], [2, 0]), ValueError,
     r"^y\[0\] is 2, expected a label in \[0, 1\] for binary cross-entropy$")
case("bce_jacobian", "shapes", lambda: jacobians.bce_jacobian([0.7, 0.4], [1, 0, 0]), ValueError,
     r"^y has shape \(3, 1\), expected \(2, 1\) to match a$")
case("bce_jacobian", "output", lambda: jacobians.bce_jacobian([0.7, 1.0], [1, 0]), ValueError,
     r"^a\[1\] is 1, expected a value strictly between 0 and 1")
case("bce_jacobian", "non-finite", lambda: jacobians.bce_jacobian([0.7, np.nan], [1, 0]), ValueError, "^a " + NON_FINITE)
case("sigmoid_jacobian", "non-finite", lambda: jacobians.sigmoid_jacobian([0.7, np.nan]), ValueError,
     "^z " + NON_FINITE)
case("relu_jacobian", "row", lambda: jacobians.relu_jacobian(np.array([[0.7, 0.2]])), ValueError,
     r"^z has shape \(1, 2\), expected \(2, 1\) = a column vector$")
case("weights_jacobian", "n_out", lambda: jacobians.weights_jacobian([0.7, 0.2], 0), ValueError,
     r"^n_out is 0, expected a positive int$")
case("weights_jacobian", "non-finite", lambda: jacobians.weights_jacobian([0.7, np.inf], 2), ValueError,
     "^a " + NON_FINITE)
case("input_jacobian", "non-finite", lambda: jacobians.input_jacobian(np.full((2, 3), np.nan)), ValueError,
     "^W " + NON_FINITE)
case("unflatten", "size", lambda: jacobians.unflatten(np.zeros(5), (2, 3)), ValueError,
     r"^flat has shape \(5,\), expected \(6,\) or \(1, 6\)")
case("exact_forward", "transposed", lambda: jacobians.exact_forward({"W2": W2.T}), ValueError,
     r"^W2 has shape \(3, 2\), expected \(2, 3\)$")
case("exact_forward", "labels", lambda: jacobians.exact_forward(y=[2, 0]), ValueError,
     r"^y\[0\] is 2, expected a label in \[0, 1\] for binary cross-entropy$")
case("exact_forward", "name", lambda: jacobians.exact_forward({"W3": W2}), ValueError,
     r"^params has keys \['W3'\], expected only \['W1', 'b1', 'W2', 'b2'\]$")
case("exact_gradients", "non-finite", lambda: jacobians.exact_gradients({"b1": [0, np.nan, 0]}), ValueError,
     "^b1 " + NON_FINITE)
case("to_float", "symbols", lambda: jacobians.to_float(jacobians.vector("a", 2)), ValueError,
     r"^value has free symbols a_1, a_2; evaluate it at numbers first$")
case("product", "chain", lambda: jacobians.product([("A", np.eye(2)), ("B", np.eye(3))]), ValueError,
     r"^factors\[1\] \(B\) has shape \(3, 3\), expected \(2, n\)")
case("latex_name", "type", lambda: jacobians.latex_name(3), TypeError, r"^name is a int, expected a str$")
case("vector", "size", lambda: jacobians.vector("a", 0), ValueError, r"^n is 0, expected a positive int$")
case("show", "empty", lambda: jacobians.show("a"), ValueError, r"^forms is empty, expected at least one value")
case("matrix", "size", lambda: jacobians.matrix("W", 0, 2), ValueError, r"^rows is 0, expected a positive int$")
case("flatten", "ndim", lambda: jacobians.flatten(np.zeros((2, 2, 2))), ValueError,
     r"^W has shape \(2, 2, 2\) \(3-D\), expected a 1-D or 2-D array$")
case("bias_jacobian", "n_out", lambda: jacobians.bias_jacobian(-1), ValueError, r"^n_out is -1, expected a positive int$")
case("bce_loss", "labels", lambda: jacobians.bce_loss([0.7, 0.4], [1, -1]), ValueError,
     r"^y\[1\] is -1, expected a label in \[0, 1\] for binary cross-entropy$")
case("tidy", "type", lambda: jacobians.tidy(None), TypeError,
     r"^value is a NoneType, expected a sympy expression, a number or a Matrix$")
case("evaluate", "key", lambda: jacobians.evaluate(jacobians.vector("a", 2), {"a": [1, 2]}), TypeError,
     r"^at has a key of type str, expected a sympy Symbol or Matrix$")
case("evaluate", "shape", lambda: jacobians.evaluate(jacobians.vector("a", 2), {jacobians.vector("a", 2): [1, 2, 3]}),
     ValueError, r"has shape \(3, 1\), expected \(2, 1\)")
case("relu", "complex", lambda: jacobians.relu(1j), ValueError, r"^1.0\*I is not a real number, expected a real argument$")
case("product", "pair", lambda: jacobians.product([np.eye(2)]), TypeError,
     r"^factors\[0\] is a ndarray, expected a \(name, matrix\) pair$")


# --- yann.torch_io -----------------------------------------------------------------------------


def torch_io():
    from yann import torch_io

    return torch_io


def linear():
    import torch

    return torch.nn.Linear(3, 2)


case("torch_dtype", "dtype", lambda: torch_io().torch_dtype("int32"), TypeError,
     r"^dtype is int32, expected float32 or float64$", needs="torch")
case("tensor", "shape", lambda: torch_io().tensor("x", X, shape=(2,)), ValueError,
     r"^x has shape \(3,\), expected \(2,\)$", needs="torch")
case("tensor", "non-finite", lambda: torch_io().tensor("x", NAN_X), ValueError, "^x " + NON_FINITE, needs="torch")
case("tensor", "dtype", lambda: torch_io().tensor("x", X, dtype="float16"), TypeError,
     r"^dtype is float16, expected float32 or float64$", needs="torch")
case("parameter_tensors", "dtype", lambda: torch_io().parameter_tensors(LAYERS, dtype=np.int64), TypeError,
     r"^dtype is int64, expected float32 or float64$", needs="torch")
case("load_linear", "transposed", lambda: torch_io().load_linear(linear(), W2.T, b2, name="W2"), ValueError,
     r"^W2 has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\).*looks transposed", needs="torch")
case("load_linear", "shape", lambda: torch_io().load_linear(linear(), W1, b2, name="W2"), ValueError,
     r"^W2 has shape \(3, 3\), expected \(2, 3\) = \(outputs, inputs\)", needs="torch")
case("load_linear", "bias-shape", lambda: torch_io().load_linear(linear(), W2, b1, name="W2"), ValueError,
     r"^b2 has shape \(3,\), expected \(2,\) = \(outputs,\)", needs="torch")
case("load_linear", "non-finite", lambda: torch_io().load_linear(linear(), W2, INF_B2, name="W2"), ValueError,
     "^b2 " + NON_FINITE, needs="torch")
case("load_linear", "type", lambda: torch_io().load_linear("linear", W2, b2), TypeError,
     r"^linear is a str, expected a torch.nn.Linear$", needs="torch")
case("torch_io.sequential", "dtype", lambda: torch_io().sequential(LAYERS, dtype="int8"), TypeError,
     r"^dtype is int8, expected float32 or float64$", needs="torch")
case("torch_io.sequential", "chain", lambda: torch_io().sequential([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)", needs="torch")
case("linear_layers", "type", lambda: torch_io().linear_layers("model"), TypeError,
     r"^model is a str, expected a torch.nn.Module$", needs="torch")
case("to_numpy", "type", lambda: torch_io().to_numpy("a", np.ones(2)), TypeError,
     r"^a is a ndarray, expected a torch.Tensor$", needs="torch")
case("torch_io.parameters", "type", lambda: torch_io().parameters([1]), TypeError,
     r"^source is a list, expected an nn.Module or a dict of tensors$", needs="torch")
case("torch_io.gradients", "missing", lambda: torch_io().gradients(torch_io().sequential(LAYERS)), ValueError,
     r"^W1 has no gradient: call loss.backward\(\) first", needs="torch")


# --- yann.keras_io and yann.model_state (TensorFlow) ---------------------------------------------


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


def ms_model():
    from yann.tf_env import keras

    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2), keras.layers.Dense(1)])


def no_bias_model():
    from yann.tf_env import keras

    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, use_bias=False, name="no_bias")])


GOOD = [(np.ones((2, 1)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]
SCALER = model_state.MinMaxScaler.fit(np.arange(6.0).reshape(3, 2))
case("MinMaxScaler", "shapes", lambda: model_state.MinMaxScaler(np.zeros(2), np.ones(3)), ValueError,
     r"^high has shape \(3,\), expected \(2,\) = the shape of low$")
case("MinMaxScaler", "non-finite", lambda: model_state.MinMaxScaler([0.0, np.nan], [1.0, 1.0]), ValueError,
     "^low " + NON_FINITE)
case("MinMaxScaler.fit", "ndim", lambda: model_state.MinMaxScaler.fit(np.arange(5.0)), ValueError,
     r"^values has shape \(5,\) \(1-D\), expected 2-D \(samples, features\)")
case("MinMaxScaler.fit", "non-finite", lambda: model_state.MinMaxScaler.fit([[1.0], [np.nan]]), ValueError,
     "^values " + NON_FINITE)
case("MinMaxScaler.fit", "constant", lambda: model_state.MinMaxScaler.fit(np.ones((3, 1))), ValueError,
     r"^values column 0 is constant \(1\): min-max scaling would divide by zero$")
case("MinMaxScaler.transform", "features", lambda: SCALER.transform(np.ones((2, 3))), ValueError,
     r"^values has shape \(2, 3\), expected \(2, 2\) = \(samples, 2 features\)$")
case("MinMaxScaler.transform", "non-finite", lambda: SCALER.transform(np.full((2, 2), np.inf)), ValueError,
     "^values " + NON_FINITE)
case("MinMaxScaler.inverse", "features", lambda: SCALER.inverse(np.ones((2, 1))), ValueError,
     r"^scaled has shape \(2, 1\), expected \(2, 2\) = \(samples, 2 features\)$")
case("sgd_update", "shape", lambda: model_state.sgd_update(GOOD, [GOOD[0], (GOOD[1][0], np.ones(2))], 0.1),
     ValueError, r"^grad b2 has shape \(2,\), expected \(1,\) = the shape of b2$")
case("sgd_update", "transposed", lambda: model_state.sgd_update(GOOD, [(np.ones((1, 2)), np.zeros(2)), GOOD[1]], 0.1),
     ValueError, r"^grad W1 has shape \(1, 2\), expected \(2, 1\) = the shape of W1$")
case("sgd_update", "non-finite", lambda: model_state.sgd_update(GOOD, [GOOD[0], (GOOD[1][0], [np.nan])], 0.1),
     ValueError, "^grad b2 " + NON_FINITE)
case("sgd_update", "learning-rate", lambda: model_state.sgd_update(GOOD, GOOD, float("inf")), ValueError,
     r"^learning_rate is inf, expected a positive finite number$")
case("sgd_update", "learning-rate-type", lambda: model_state.sgd_update(GOOD, GOOD, "0.1"), TypeError,
     r"^learning_rate is a str, expected a positive number$")
case("sgd_update", "count", lambda: model_state.sgd_update(GOOD, GOOD[:1], 0.1), ValueError,
     r"^grads has 1 layers, expected 2 to match params$")
case("sgd_update", "dtypes", lambda: model_state.sgd_update([(np.ones((2, 1), np.float32), np.zeros(2))], GOOD[:1], 0.1),
     TypeError, r"^mismatched dtypes: W1 is float32, b1 is float64; expected one dtype")
case("params_to_keras", "transposed", lambda: model_state.params_to_keras(ms_model(), [(np.ones((1, 2)), np.zeros(2)),
                                                                                       GOOD[1]]),
     ValueError, r"^W1 has shape \(1, 2\), expected \(2, 1\) = \(outputs, inputs\); it looks like a Keras kernel",
     needs="yann.tf_env")
case("params_to_keras", "count", lambda: model_state.params_to_keras(ms_model(), GOOD[:1]), ValueError,
     r"^params has 1 layers, expected 2 to match the model$", needs="yann.tf_env")
case("params_to_keras", "non-finite", lambda: model_state.params_to_keras(ms_model(), [GOOD[0], (GOOD[1][0], [np.inf])]),
     ValueError, "^b2 " + NON_FINITE, needs="yann.tf_env")
case("params_from_keras", "no-bias", lambda: model_state.params_from_keras(no_bias_model()), ValueError,
     r"^layer 'no_bias' holds 1 weights, expected a Dense layer's kernel and bias$", needs="yann.tf_env")
case("archive_contents", "suffix", lambda: model_state.archive_contents("model.h5"), ValueError,
     r"^path is 'model.h5', expected a file ending in .keras$")


@pytest.mark.parametrize(("call", "error", "pattern", "needs"), CASES)
def test_bad_input_is_refused_with_a_helpful_message(call, error, pattern, needs):
    if needs:
        pytest.importorskip(needs)
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    assert type(caught.value) is error or isinstance(caught.value, error), (
        f"raised {type(caught.value).__name__}, expected {error.__name__}: {caught.value}"
    )
    message = str(caught.value)
    assert re.search(pattern, message), f"message {message!r} does not match {pattern!r}"


# Public names that take no argument to get wrong, or are classes that yann builds itself.
NOTHING_TO_VALIDATE = {"exact_running_example"}


def _public_functions(module) -> set[str]:
    """Functions and argument-checking classes defined in ``module`` (not imported into it).

    Result classes (``Forward``, ``Trace``, ``ChainGradients``, sympy functions ...) are built by
    yann, not by readers; their public methods are covered by name.
    """
    names = set()
    for attr, obj in vars(module).items():
        if attr.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
            continue
        if isinstance(obj, type) and "__post_init__" not in vars(obj):
            continue
        names.add(attr)
    return names - NOTHING_TO_VALIDATE


def _covered() -> set[str]:
    return {param.id.split("-")[0].rsplit(".", 1)[-1] for param in CASES}


@pytest.mark.parametrize(
    "module", [mlp, example, printing, glue, figures, trace, jacobian_chain, jacobians, model_state],
    ids=lambda m: m.__name__,
)
def test_every_public_function_has_a_case(module):
    missing = sorted(_public_functions(module) - _covered())
    assert not missing, f"public functions of {module.__name__} without a bad-input case: {missing}"


@pytest.mark.parametrize(("name", "needs"), [("torch_io", "torch"), ("keras_io", "yann.tf_env")])
def test_every_public_framework_function_has_a_case(name, needs):
    pytest.importorskip(needs)
    import importlib

    module = importlib.import_module(f"yann.{name}")
    missing = sorted(_public_functions(module) - _covered())
    assert not missing, f"public functions of {module.__name__} without a bad-input case: {missing}"
