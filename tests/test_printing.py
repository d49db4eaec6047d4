import numpy as np
import pytest

from yann.glue import _Text, glue
from yann.printing import fmt, show, table


def test_fixed_decimals_for_scalars_vectors_and_matrices():
    assert fmt(0.870124846) == "0.8701"
    assert fmt(np.float32(0.5), 2) == "0.50"
    assert fmt([0.574, -0.00001]) == "[0.5740, 0.0000]"  # no "-0.0000"
    assert fmt([[1, -2.5], [3, 4]], 1) == "[[ 1.0, -2.5],\n [ 3.0,  4.0]]"


def test_show_lines_up_matrix_rows(capsys):
    show("W", np.eye(2), 1)
    assert capsys.readouterr().out == "W = [[1.0, 0.0],\n     [0.0, 1.0]]\n"


def test_table_aligns_columns():
    text = table({"loss": {"numpy": 0.87012, "torch": 0.87013}}, decimals=3)
    assert text.splitlines() == ["      numpy  torch", "----  -----  -----", "loss  0.870  0.870"]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="decimals is -1"):
        fmt(1.0, -1)
    with pytest.raises(ValueError, match="value has shape"):
        fmt(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="name is ''"):
        glue("", 1.0)


def test_glued_text_keeps_its_trailing_zeros_in_the_book():
    from myst_nb.core.variables import format_plain_text

    assert format_plain_text(repr(_Text("1.2800")), "") == "1.2800"
    assert format_plain_text(repr(_Text("[0.5740, 0.7480]")), "") == "[0.5740, 0.7480]"


def test_expect_error_prints_one_line_and_requires_the_error(capsys):
    from yann.printing import expect_error

    with expect_error(ValueError, contains="shape"):
        raise ValueError("bad shape\nmore detail")
    assert capsys.readouterr().out == "ValueError: bad shape\n"
    with pytest.raises(AssertionError, match="expected ValueError"):
        with expect_error(ValueError):
            pass
    with pytest.raises(KeyError):
        with expect_error(ValueError):
            raise KeyError("other")
