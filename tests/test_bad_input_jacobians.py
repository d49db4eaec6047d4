"""Bad input to yann.jacobians: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np

from yann import jacobians
from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.jacobians', exempt={"exact_running_example"})
case = CASES.case

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


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
