"""Bad input to yann.printing: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
from bad_input import NON_FINITE, Cases

from yann import printing

CASES = Cases('yann.printing')
case = CASES.case

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

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
