"""Bad input to yann.jacobian_chain: refused with a message naming the argument and the expected shape."""

from __future__ import annotations

import numpy as np
from bad_input import ACTS, LAYERS, NAN_X, NON_FINITE, Cases, X, Y

from yann import jacobian_chain

CASES = Cases("yann.jacobian_chain")
case = CASES.case

case("explicit_gradients", "order", lambda: jacobian_chain.explicit_gradients(LAYERS, X, Y, order="sideways"),
     ValueError, r"^order is 'sideways', expected one of 'reverse', 'forward'$")
case("explicit_gradients", "batch", lambda: jacobian_chain.explicit_gradients(LAYERS, X[None], Y[None]),
     ValueError, r"^x has shape \(1, 3\) \(2-D\), expected 1-D")
case("explicit_gradients", "labels", lambda: jacobian_chain.explicit_gradients(LAYERS, X, [2.0, 0.0]), ValueError,
     r"^y holds values in \[0, 2\], expected labels in \[0, 1\]")
case("explicit_gradients", "loss", lambda: jacobian_chain.explicit_gradients(LAYERS, X, Y, loss="ce"), ValueError,
     r"^loss is 'ce', expected one of 'bce', 'mse', 'mae', 'half_sse'$")
case("explicit_gradients", "chain", lambda: jacobian_chain.explicit_gradients([LAYERS[1], LAYERS[0]], X, Y),
     ValueError, r"^W2 has shape \(3, 3\), expected \(3, 2\)")
case("explicit_gradients", "y-shape", lambda: jacobian_chain.explicit_gradients(LAYERS, X, np.ones(3)),
     ValueError, r"^y has shape \(3,\), expected \(2,\)")
case("weight_jacobian", "n_out", lambda: jacobian_chain.weight_jacobian(X, 0), ValueError, r"^n_out is 0, expected a positive int")
case("weight_jacobian", "n_out-bool", lambda: jacobian_chain.weight_jacobian(X, True), ValueError,
     r"^n_out is True, expected a positive int")
case("weight_jacobian", "batch", lambda: jacobian_chain.weight_jacobian(X[None], 2), ValueError,
     r"^a_in has shape \(1, 3\) \(2-D\), expected 1-D")
case("weight_jacobian", "non-finite", lambda: jacobian_chain.weight_jacobian(NAN_X, 2), ValueError, "^a_in " + NON_FINITE)
case("activation_jacobian", "activation", lambda: jacobian_chain.activation_jacobian("elu", X, X), ValueError,
     rf"^activation is 'elu', expected one of {ACTS}$")
# A batch of z used to return np.diag of a matrix: its diagonal, silently.
case("activation_jacobian", "batch", lambda: jacobian_chain.activation_jacobian("relu", np.stack([X, X])), ValueError,
     r"^z has shape \(2, 3\) \(2-D\), expected 1-D")
case("activation_jacobian", "non-finite", lambda: jacobian_chain.activation_jacobian("relu", NAN_X, NAN_X),
     ValueError, "^z " + NON_FINITE)
case("activation_jacobian", "shapes", lambda: jacobian_chain.activation_jacobian("sigmoid", X, X[:2]), ValueError,
     r"^a has shape \(2,\), expected \(3,\)")
case("jacobian_shapes", "size", lambda: jacobian_chain.jacobian_shapes(0, 3), ValueError, r"^n_in is 0, expected a positive int")
case("chain_cost", "widths", lambda: jacobian_chain.chain_cost([3]), ValueError,
     r"^widths is \[3\], expected at least two positive ints")
case("chain_cost", "order", lambda: jacobian_chain.chain_cost([3, 2], "up"), ValueError, r"^order is 'up', expected one of")
case("vjp_cost", "batch", lambda: jacobian_chain.vjp_cost([3, 2], batch=0), ValueError, r"^batch is 0, expected a positive int")
case("vjp_cost", "widths", lambda: jacobian_chain.vjp_cost([3, 0]), ValueError, r"^widths is \[3, 0\], expected at least two positive ints")
case("chain_entries", "order", lambda: jacobian_chain.chain_entries([3, 2], order="x"), ValueError,
     r"^order is 'x', expected one of 'reverse', 'forward'$")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
