"""Bad input to yann.jacobian_chain: refused with a message naming the argument and the expected shape.

``explicit_chain``, ``chain_cost`` and ``vjp_cost`` are exempt: they are chapter 14's code, verbatim,
and trust their caller (the chapter and the benchmark, whose inputs are known); ``explicit_gradients``
is the checked entry (issue 13: validate at the boundary).
"""

from __future__ import annotations

import numpy as np
from bad_input import LAYERS, NAN_X, NON_FINITE, Cases, X, Y

from yann import jacobian_chain

CASES = Cases("yann.jacobian_chain", exempt={"explicit_chain", "chain_cost", "vjp_cost"})
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
case("explicit_gradients", "non-finite", lambda: jacobian_chain.explicit_gradients(LAYERS, NAN_X, Y), ValueError,
     "^x " + NON_FINITE)

test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
