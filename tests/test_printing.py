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


TWO_ROWS = {"loss": {"numpy": 0.87012, "torch": 0.87013}, "grad <b2>": {"numpy": -0.1135, "torch": None}}
TWO_ROWS_TEXT = [
    "             numpy   torch",
    "---------  -------  ------",
    "loss        0.8701  0.8701",
    "grad <b2>  -0.1135        ",
]


def test_table_prints_and_reprs_the_same_text(capsys):
    """A notebook records text/plain from repr (IPython) or from print: both are the plain text."""
    t = table(TWO_ROWS)
    assert str(t).splitlines() == TWO_ROWS_TEXT
    assert repr(t) == str(t) == "\n".join(TWO_ROWS_TEXT)
    print(t)
    assert capsys.readouterr().out == "\n".join(TWO_ROWS_TEXT) + "\n"
    assert t == "\n".join(TWO_ROWS_TEXT) and isinstance(t, str)  # old callers treated it as a str


def test_table_is_ipythons_text_plain_and_an_html_table():
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(table(TWO_ROWS))
    assert data["text/plain"] == "\n".join(TWO_ROWS_TEXT)
    html = data["text/html"]
    assert html == table(TWO_ROWS)._repr_html_()
    assert html.startswith('<table class="yann-table">') and html.endswith("</table>")
    assert '<th scope="col">numpy</th><th scope="col">torch</th>' in html
    assert '<tr><th scope="row">loss</th><td>0.8701</td><td>0.8701</td></tr>' in html
    # Names are escaped, empty cells stay cells, so every row has one cell per column.
    assert '<tr><th scope="row">grad &lt;b2&gt;</th><td>-0.1135</td><td></td></tr>' in html


def test_table_html_has_the_same_cells_as_the_text():
    import html.parser

    class Cells(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in {"td", "th"}:
                self.rows[-1].append("")
                self.inside = True

        def handle_endtag(self, tag):
            self.inside = self.inside and tag not in {"td", "th"}

        def handle_data(self, data):
            if self.inside:
                self.rows[-1][-1] += data

    t = table({"a": {"x": 1.23456, "y": "text"}, "b": {"y": 2}}, decimals=2)
    parser = Cells()
    parser.feed(t._repr_html_())
    assert parser.rows == [["", "x", "y"], ["a", "1.23", "text"], ["b", "", "2.00"]]
    text = [line.split() for line in str(t).splitlines()]
    assert text[0] == ["x", "y"] and text[2] == ["a", "1.23", "text"] and text[3] == ["b", "2.00"]
