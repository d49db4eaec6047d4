"""The explicit Jacobian chain of yann.jacobian_chain: chapter 14's code, its counts and its checked entry."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from test_mlp import chapter_cells

from yann import jacobian_chain as jc
from yann import mlp
from yann.example import REFERENCE_ATOL, RUNNING, reference

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "14_jacobian_cost.md"


def test_chapter_14_shows_the_code_of_yann_jacobian_chain():
    """Chapter 14 writes explicit_chain, chain_cost and vjp_cost on the page; yann.jacobian_chain holds
    the same code, character for character (issue 13: a chapter's subject is written in its cells)."""
    cells = chapter_cells(CHAPTER)
    shown = {
        "explicit_chain": [c for c in cells if c.startswith("def explicit_chain(")],
        "costs": [c for c in cells if c.startswith("def chain_cost(")],
    }
    in_yann = {
        "explicit_chain": inspect.getsource(jc.explicit_chain),
        "costs": inspect.getsource(jc.chain_cost) + "\n\n" + inspect.getsource(jc.vjp_cost),
    }
    for name, source in in_yann.items():
        assert shown[name] == [source], f"chapter 14's {name} differs from yann.jacobian_chain's"


def random_square_network(n, depth, seed=0):
    rng = np.random.default_rng(seed)
    activations = ["tanh"] * (depth - 1) + ["sigmoid"]
    layers = [mlp.Layer(rng.normal(size=(n, n)) / np.sqrt(n), rng.normal(scale=0.1, size=n), f) for f in activations]
    return layers, rng.normal(size=n), (rng.random(n) < 0.5).astype(float)


@pytest.mark.parametrize("order", jc.ORDERS)
def test_running_example_gradients_from_the_chain_match_the_reference(order):
    chain = jc.explicit_gradients(RUNNING.layers(), RUNNING.array("x"), RUNNING.array("y"), "bce", order)
    named = [("grad_W1", chain.W[0]), ("grad_b1", chain.b[0]), ("grad_W2", chain.W[1]), ("grad_b2", chain.b[1])]
    for name, value in named:
        assert_allclose(value, reference(name), atol=REFERENCE_ATOL, err_msg=name)


@pytest.mark.parametrize("order", jc.ORDERS)
@pytest.mark.parametrize("n, depth", [(1, 1), (1, 3), (2, 2), (3, 1), (6, 3), (8, 5)])
def test_the_closed_form_cost_is_what_the_chain_counts(n, depth, order):
    layers, x, y = random_square_network(n, depth)
    assert jc.explicit_gradients(layers, x, y, "bce", order).multiply_adds == jc.chain_cost(n, depth, order)


@pytest.mark.parametrize("n", [1, 3, 64, 1000])
@pytest.mark.parametrize("depth", [1, 2, 5])
def test_closed_forms_match_eq_jc_costs_written_out(n, depth):
    # right to left, layer l carries n**2 + n columns through 1 + 2 * (depth - l) square products
    forward = sum((n**2 + n) * (n**2 + 2 * n**2 * (depth - l) + n) for l in range(1, depth + 1))
    assert jc.chain_cost(n, depth, "forward") == forward
    assert jc.chain_cost(n, depth, "reverse") == depth * n**3 + (3 * depth - 1) * n**2
    assert jc.vjp_cost(n, depth, batch=64) == 64 * (3 * depth - 1) * n**2


def test_the_chain_costs_about_n_times_more_than_reverse_mode():
    ratios = [jc.chain_cost(n, 3, "reverse") / jc.vjp_cost(n, 3) for n in (100, 200, 400)]
    assert_allclose(np.diff(np.log(ratios)) / np.log(2), 1.0, atol=0.02)  # doubling n doubles the ratio
    assert jc.chain_cost(400, 3, "forward") > 400 * jc.chain_cost(400, 3, "reverse")


def test_the_chain_holds_one_weight_jacobian_at_a_time():
    """Left to right, each J_W is built when its product needs it and dropped after: the peak is one
    J_W (n**3 entries), not all of them."""
    import tracemalloc

    n = 64
    layers, x, y = random_square_network(n, 3)
    tracemalloc.start()
    try:
        jc.explicit_chain(layers, x, y, "bce", "reverse")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert n**3 * 8 <= peak < 1.5 * n**3 * 8
