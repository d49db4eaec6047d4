"""Bad input to yann.example: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
from bad_input import Cases

from yann import example
from yann.example import RUNNING

CASES = Cases("yann.example")
case = CASES.case

case("Example.array", "name", lambda: RUNNING.array("W3"), ValueError, r"^name is 'W3', expected one of 'x', 'y', 'W1'")
case("Example.array", "dtype", lambda: RUNNING.array("W1", np.int32), TypeError, r"^dtype is int32, expected float32 or float64")
case("Example.arrays", "dtype", lambda: RUNNING.arrays("int64"), TypeError, r"^dtype is int64, expected float32 or float64")
case("Example.exact", "name", lambda: RUNNING.exact("W9"), ValueError, r"^name is 'W9', expected one of 'x'")
case("Example.layers", "dtype", lambda: RUNNING.layers(np.float16), TypeError, r"^dtype is float16, expected float32 or float64")
case("reference", "name", lambda: example.reference("grad_W3"), ValueError, r"^name is 'grad_W3', expected one of 'a1'")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
