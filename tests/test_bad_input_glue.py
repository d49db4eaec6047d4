"""Bad input to yann.glue: refused with a message naming the argument and what was expected."""

from __future__ import annotations

from bad_input import NON_FINITE, Cases

from yann import glue

CASES = Cases('yann.glue')
case = CASES.case

case("glue", "name", lambda: glue.glue("", 1.0), ValueError, r"^name is '', expected a non-empty string$")
case("glue", "non-finite", lambda: glue.glue("key", float("nan")), ValueError, "^value " + NON_FINITE)
case("glue", "decimals", lambda: glue.glue("key", 1.0, decimals=-1), ValueError,
     r"^decimals is -1, expected a non-negative int$")

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
