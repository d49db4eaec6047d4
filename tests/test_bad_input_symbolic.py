"""Bad input to yann.symbolic: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
import sympy as sp
from bad_input import NON_FINITE, Cases

from yann import symbolic

CASES = Cases("yann.symbolic")
case = CASES.case

A, B = sp.Matrix([[1, 2]]), sp.eye(2)

case("to_float", "symbols", lambda: symbolic.to_float(sp.Matrix(sp.symbols("a_1:3"))), ValueError,
     r"^value has free symbols a_1, a_2; evaluate it at numbers first$")
case("to_float", "scalar-symbol", lambda: symbolic.to_float(sp.Symbol("z")), ValueError,
     r"^value has free symbols z; evaluate it at numbers first$")
case("shaped", "empty", lambda: symbolic.shaped("J"), ValueError,
     r"^forms is empty, expected at least one matrix to show$")
case("shaped", "shapes", lambda: symbolic.shaped("J", sp.eye(2), sp.ones(1, 2)), ValueError,
     r"^forms have different shapes: forms\[0\] is 2×2, forms\[1\] is 1×2; expected one shape$")
case("shaped", "non-finite", lambda: symbolic.shaped("J", np.array([1.0, np.inf])), ValueError,
     r"^forms\[0\] " + NON_FINITE)
case("shaped", "sympy-nan", lambda: symbolic.shaped("J", sp.Matrix([sp.nan])), ValueError,
     r"^forms\[0\] " + NON_FINITE)
case("shaped", "3-D", lambda: symbolic.shaped("J", np.zeros((2, 2, 2))), ValueError,
     r"^forms\[0\] has shape \(2, 2, 2\), expected a non-empty 1-D or 2-D array$")
case("shaped", "type", lambda: symbolic.shaped("J", 3), TypeError,
     r"^forms\[0\] is a int, expected a sympy Matrix or an array$")
case("shaped", "at", lambda: symbolic.shaped("J", B, at=2), TypeError, r"^at is a int, expected a str of LaTeX$")
case("shaped", "name", lambda: symbolic.shaped(("J",), B), TypeError, r"^name is a tuple, expected a str$")
case("shaped", "decimals", lambda: symbolic.shaped("J", B, decimals=-1), ValueError,
     r"^decimals is -1, expected an int from 0 to 12$")
case("chain", "order", lambda: symbolic.chain("P", [("J_W", sp.ones(2, 6)), ("J(σ)", B)], sp.ones(2, 2)),
     ValueError, r"^factors\[1\] \(J\(σ\)\) has shape \(2, 2\), expected \(6, n\): its rows must match the 6 "
     r"columns of J_W$")
case("chain", "value-shape", lambda: symbolic.chain("AB", [("A", A), ("B", B)], A.T), ValueError,
     r"^value has shape \(2, 1\), expected \(1, 2\) = the product's shape$")
case("chain", "not-the-product", lambda: symbolic.chain("AB", [("A", A), ("B", B)], 2 * A), ValueError,
     r"^value is not the product of the factors A · B$")
case("chain", "pair", lambda: symbolic.chain("P", [A], A), TypeError,
     r"^factors\[0\] is a MutableDenseMatrix, expected a \(name, matrix\) pair$")
case("chain", "empty", lambda: symbolic.chain("P", [], A), ValueError,
     r"^factors is empty or not a list, expected \(name, matrix\) pairs$")
case("chain", "name", lambda: symbolic.chain(None, [("A", A)], A), TypeError, r"^name is a NoneType, expected a str$")

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
