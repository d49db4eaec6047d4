"""Bad input to yann.glue: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np

from yann import glue
from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.glue')
case = CASES.case

case("glue", "name", lambda: glue.glue("", 1.0), ValueError, r"^name is '', expected a non-empty string$")
case("glue", "non-finite", lambda: glue.glue("key", float("nan")), ValueError, "^value " + NON_FINITE)
case("glue", "decimals", lambda: glue.glue("key", 1.0, decimals=-1), ValueError,
     r"^decimals is -1, expected a non-negative int$")

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
