"""Chapter 14's explicit Jacobian chain and its closed-form costs, loaded from the chapter's own cells
(tools/chapter_code.py), and the loader itself."""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
import pytest
from conftest import ROOT
from numpy.testing import assert_allclose

from yann import mlp
from yann.example import REFERENCE_ATOL, RUNNING, reference

sys.path.insert(0, str(ROOT / "tools"))
import chapter_code

explicit_chain, chain_cost, vjp_cost = chapter_code.chapter_functions(
    "14_jacobian_cost", "explicit_chain", "chain_cost", "vjp_cost"
)
ORDERS = ("reverse", "forward")


def random_square_network(n, depth, seed=0):
    rng = np.random.default_rng(seed)
    activations = ["tanh"] * (depth - 1) + ["sigmoid"]
    layers = [mlp.Layer(rng.normal(size=(n, n)) / np.sqrt(n), rng.normal(scale=0.1, size=n), f) for f in activations]
    return layers, rng.normal(size=n), (rng.random(n) < 0.5).astype(float)


def assert_same_gradients(grads_W, grads_b, want):
    for i, (cW, cb, gW, gb) in enumerate(zip(grads_W, grads_b, want.W, want.b), start=1):
        assert cW.shape == gW.shape and cb.shape == gb.shape, f"layer {i}"
        assert_allclose(cW, gW, rtol=1e-12, atol=1e-15, err_msg=f"grad W{i}")
        assert_allclose(cb, gb, rtol=1e-12, atol=1e-15, err_msg=f"grad b{i}")


@pytest.mark.parametrize("order", ORDERS)
def test_running_example_gradients_from_the_chain_match_reverse_mode_and_the_reference(order):
    layers, x, y = RUNNING.layers(), RUNNING.array("x"), RUNNING.array("y")
    grads_W, grads_b, _ = explicit_chain(layers, x, y, "bce", order)
    assert_same_gradients(grads_W, grads_b, mlp.gradients(layers, x, y, "bce"))
    named = [("grad_W1", grads_W[0]), ("grad_b1", grads_b[0]), ("grad_W2", grads_W[1]), ("grad_b2", grads_b[1])]
    for name, value in named:
        assert_allclose(value, reference(name), atol=REFERENCE_ATOL, err_msg=name)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("n, depth", [(1, 1), (1, 3), (2, 2), (3, 1), (6, 3), (8, 5)])
def test_the_chain_gives_reverse_modes_gradients_and_counts_its_closed_form_cost(n, depth, order):
    layers, x, y = random_square_network(n, depth)
    grads_W, grads_b, multiply_adds = explicit_chain(layers, x, y, "bce", order)
    assert_same_gradients(grads_W, grads_b, mlp.gradients(layers, x, y, "bce"))
    assert multiply_adds == chain_cost(n, depth, order)


@pytest.mark.parametrize("n", [1, 3, 64, 1000])
@pytest.mark.parametrize("depth", [1, 2, 5])
def test_closed_forms_match_eq_jc_costs_written_out(n, depth):
    # right to left, layer l carries n**2 + n columns through 1 + 2 * (depth - l) square products
    forward = sum((n**2 + n) * (n**2 + 2 * n**2 * (depth - l) + n) for l in range(1, depth + 1))
    assert chain_cost(n, depth, "forward") == forward
    assert chain_cost(n, depth, "reverse") == depth * n**3 + (3 * depth - 1) * n**2
    assert vjp_cost(n, depth, batch=64) == 64 * (3 * depth - 1) * n**2


def test_the_chain_costs_about_n_times_more_than_reverse_mode():
    ratios = [chain_cost(n, 3, "reverse") / vjp_cost(n, 3) for n in (100, 200, 400)]
    assert_allclose(np.diff(np.log(ratios)) / np.log(2), 1.0, atol=0.02)  # doubling n doubles the ratio
    assert chain_cost(400, 3, "forward") > 400 * chain_cost(400, 3, "reverse")


def test_the_chain_holds_one_weight_jacobian_at_a_time():
    """Left to right, each J_W is built when its product needs it and dropped after: the peak is one
    J_W (n**3 entries), not all of them."""
    n = 64
    layers, x, y = random_square_network(n, 3)
    tracemalloc.start()
    try:
        explicit_chain(layers, x, y, "bce", "reverse")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert n**3 * 8 <= peak < 1.5 * n**3 * 8


# --------------------------------------------------------------------------------------------------
# The loader


def test_the_loader_runs_only_the_defining_cells_and_the_imports_they_use(tmp_path, monkeypatch):
    (tmp_path / "99_demo.md").write_text(
        "# Demo\n\n"
        "```{code-cell} ipython3\nimport math\nimport no_such_module\n\nraise RuntimeError('cell 1 ran')\n```\n\n"
        "```{code-cell} ipython3\ndef root(x):\n    return math.sqrt(x)\n```\n\n"
        "```{code-cell} ipython3\nraise RuntimeError('cell 3 ran')\n```\n"
    )
    monkeypatch.setattr(chapter_code, "CHAPTERS", tmp_path)
    (root,) = chapter_code.chapter_functions("99_demo", "root")
    assert root(9.0) == 3.0


def test_the_loader_names_the_chapter_and_a_function_it_cannot_find_once(tmp_path, monkeypatch):
    with pytest.raises(LookupError, match=r"^chapters/14_jacobian_cost\.md has no code cell that defines the "
                       r"function backprop_by_hand$"):
        chapter_code.chapter_functions("14_jacobian_cost", "explicit_chain", "backprop_by_hand")
    (tmp_path / "99_twice.md").write_text(
        "```{code-cell} ipython3\ndef f():\n    return 1\n```\n\n```{code-cell} ipython3\ndef f():\n    return 2\n```\n"
    )
    monkeypatch.setattr(chapter_code, "CHAPTERS", tmp_path)
    with pytest.raises(LookupError, match=r"^chapters/99_twice\.md defines f in code cells 1, 2, expected one$"):
        chapter_code.chapter_functions("99_twice", "f")


def test_the_loaded_functions_are_the_chapters_text():
    """What runs is the chapter's cell: its source, read back, is a cell of chapters/14_jacobian_cost.md."""
    import inspect

    text = (ROOT / "chapters" / "14_jacobian_cost.md").read_text()
    for function in (explicit_chain, chain_cost, vjp_cost):
        source = inspect.getsource(function)
        assert source.startswith(f"def {function.__name__}(") and source in text, function.__name__
    assert explicit_chain.__code__.co_filename.startswith("chapters/14_jacobian_cost.md, code cell ")
