"""Bad input to yann.figures: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
from bad_input import ACTS, NON_FINITE, W1, W2, Cases

from yann import figures

CASES = Cases('yann.figures')
case = CASES.case

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
case("draw_network", "layer-names", lambda: figures.draw_network([W1, W2], ["relu", "sigmoid"], layer_names=["a"]),
     ValueError, r"^layer_names has 1 names, expected 3$")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
