"""Bad input to yann.graph: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
import sympy as sp
from bad_input import NON_FINITE, W1, W2, Cases, X, Y, b1

from yann import graph

CASES = Cases("yann.graph")
case = CASES.case

Z1 = W1 @ X
A1 = Z1
Z2 = W2 @ A1
A2 = 1 / (1 + np.exp(-Z2))
VALUES = {"x": X, "z1": Z1, "a1": A1, "z2": Z2, "a2": A2, "E": 0.87}


def with_(**changes):
    return {**VALUES, **changes}


case("draw_graph", "transposed-W", lambda: graph.draw_graph(with_(W2=W2.T)), ValueError,
     r"^values\['W2'\] has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\)$")
case("draw_graph", "column-vector", lambda: graph.draw_graph(with_(a1=A1[:, None])), ValueError,
     r"^values\['a1'\] has shape \(3, 1\), expected \(3,\)$")
case("draw_graph", "grad-shape", lambda: graph.draw_graph(VALUES, {"z2": np.zeros(3)}), ValueError,
     r"^grads\['z2'\] has shape \(3,\), expected \(2,\)$")
case("draw_graph", "loss-vector", lambda: graph.draw_graph(with_(E=np.array([0.87, 0.1]))), ValueError,
     r"^values\['E'\] has shape \(2,\), expected \(\) = a scalar loss$")
case("draw_graph", "missing", lambda: graph.draw_graph({k: v for k, v in VALUES.items() if k != "a2"}),
     ValueError, r"^values has no key 'a2', expected the forward values x, z1, a1, …, E$")
case("draw_graph", "no-layers", lambda: graph.draw_graph({"x": X, "E": 0.5}), ValueError,
     r"^values has no key 'z1'")
case("draw_graph", "gap", lambda: graph.draw_graph({"x": X, "z1": Z1, "z3": Z2}), ValueError,
     r"^values has layers \[1, 3\], expected consecutive layers 1..3$")
case("draw_graph", "unknown-key", lambda: graph.draw_graph(with_(W3=W2)), ValueError,
     r"^values has key 'W3', expected one of ")
case("draw_graph", "non-finite", lambda: graph.draw_graph(with_(b1=np.array([0.0, np.nan, 0.0]))),
     ValueError, r"^values\['b1'\] " + NON_FINITE)
case("draw_graph", "grad-without-value", lambda: graph.draw_graph(VALUES, {"W1": W1}), ValueError,
     r"^grads has key 'W1' but values has not")
case("draw_graph", "empty-x", lambda: graph.draw_graph(with_(x=np.zeros(0))), ValueError,
     r"^values\['x'\] has shape \(0,\), expected at least one entry$")
case("draw_graph", "grads-type", lambda: graph.draw_graph(VALUES, [Z1]), TypeError,
     r"^grads is a list, expected a dict of node name -> array$")
case("draw_graph", "type", lambda: graph.draw_graph([X, Z1]), TypeError,
     r"^values is a list, expected a dict of node name -> array$")
case("draw_graph", "decimals", lambda: graph.draw_graph(VALUES, decimals=-1), ValueError,
     r"^decimals is -1, expected an int from 0 to 8$")
case("draw_graph", "highlight", lambda: graph.draw_graph(VALUES, highlight=["W1"]), ValueError,
     r"^highlight has \['W1'\], expected names of drawn nodes")
case("draw_graph", "labels-shape", lambda: graph.draw_graph(with_(y=np.array([Y]))), ValueError,
     r"^values\['y'\] has shape \(1, 2\), expected \(2,\)$")
case("draw_chain", "chain", lambda: graph.draw_chain([("J(E)", (1, 2)), ("J_W", np.ones((3, 9)))]), ValueError,
     r"^factors\[1\] \(J_W\) has shape \(3, 9\), expected \(2, n\): its rows must match the 2 columns of J\(E\)$")
case("draw_chain", "empty", lambda: graph.draw_chain([]), ValueError,
     r"^factors is empty, expected at least one \(name, matrix\) pair$")
case("draw_chain", "pair", lambda: graph.draw_chain([np.eye(2)]), TypeError,
     r"^factors\[0\] is a ndarray, expected a \(name, matrix\) pair$")
case("draw_chain", "vector", lambda: graph.draw_chain([("b", b1)]), ValueError,
     r"^factors\[0\] \(b\) has shape \(3,\), expected a matrix \(rows, cols\) with both at least 1$")
case("draw_chain", "shape", lambda: graph.draw_chain([("A", (0, 2))]), ValueError,
     r"^factors\[0\] \(A\) has shape \(0, 2\), expected \(rows, cols\) of positive ints$")
case("draw_chain", "non-finite", lambda: graph.draw_chain([("A", np.array([[1.0, np.inf]]))]), ValueError,
     r"^factors\[0\] \(A\) " + NON_FINITE)
case("draw_chain", "sympy", lambda: graph.draw_chain([("A", sp.Matrix([[1, 2]]))]), TypeError,
     r"^factors\[0\] \(A\) must hold real numbers, got dtype object$")
case("draw_chain", "unit", lambda: graph.draw_chain([("A", (1, 2))], unit=0), ValueError,
     r"^unit is 0, expected a cell size in inches in \(0, 1\]$")
case("draw_chain", "string", lambda: graph.draw_chain("J(E)"), TypeError,
     r"^factors is a str, expected a list of \(name, matrix\) pairs$")
case("Drawing", "label", lambda: graph.draw_graph(VALUES).numbers("W1"), ValueError,
     r"^node/kind is W1/value, expected one of the drawn labels")

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
