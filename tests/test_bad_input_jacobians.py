"""Bad input to yann.jacobians: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
import sympy as sp
from bad_input import NON_FINITE, Cases

from yann import jacobians
from yann.example import RUNNING

CASES = Cases("yann.jacobians", exempt={"exact_running_example"})
case = CASES.case

W2 = RUNNING.exact("W2")

case("exact_forward", "transposed", lambda: jacobians.exact_forward({"W2": W2.T}), ValueError,
     r"^W2 has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\)$")
case("exact_forward", "labels", lambda: jacobians.exact_forward(y=[2, 0]), ValueError,
     r"^y\[0\] is 2, expected a label in \[0, 1\] for binary cross-entropy$")
case("exact_forward", "label-row", lambda: jacobians.exact_forward(y=sp.Matrix([[1, 0]])), ValueError,
     r"^y has shape \(1, 2\), expected \(2, 1\)")
case("exact_forward", "name", lambda: jacobians.exact_forward({"W3": W2}), ValueError,
     r"^params has keys \['W3'\], expected only \['W1', 'b1', 'W2', 'b2'\]$")
case("exact_forward", "type", lambda: jacobians.exact_forward([W2]), TypeError,
     r"^params is a list, expected a dict")
case("exact_gradients", "non-finite", lambda: jacobians.exact_gradients({"b1": [0, np.nan, 0]}), ValueError,
     r"^b1 " + NON_FINITE)
case("exact_gradients", "bias-row", lambda: jacobians.exact_gradients({"b2": sp.Matrix([[0, 0]])}), ValueError,
     r"^b2 has shape \(1, 2\), expected \(2, 1\) = a column$")
case("exact_gradients", "symbolic-label", lambda: jacobians.exact_gradients(y=sp.symbols("p q")), ValueError,
     r"^y\[0\] is p, expected a label in \[0, 1\]")

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
