import numpy as np
import pytest

from cnnlab.exercises import check, check_table


def test_check_pass_fail_and_unanswered(capsys):
    assert check(153, 9 * 16 + 9) is True
    assert "PASS" in capsys.readouterr().out
    assert check(152, 153, hint="count the biases") is False
    out = capsys.readouterr().out
    assert "FAIL" in out and "count the biases" in out
    assert check(None, 153, what="FC parameters") is None
    assert "not answered yet" in capsys.readouterr().out


def test_check_arrays_need_the_same_shape(capsys):
    ref = np.arange(4.0).reshape(2, 2)
    assert check(ref + 1e-9, ref) is True
    assert check(ref.ravel(), ref) is False
    assert check("not a number", ref) is False
    capsys.readouterr()


def test_check_table_rows(capsys):
    truth = {"C1": 156, "S2": 12, "C3": 1516}
    assert check_table({"C1": 156, "S2": 12, "C3": 1516}, truth) is True
    assert check_table({"C1": 156, "S2": 0}, truth) is False
    out = capsys.readouterr().out
    assert "S2: FAIL" in out and "C3: not answered yet" in out and "1 of 3 right" in out
    assert check_table({"C1": 156, "S2": 12, "C3": 2416}, truth, accept={"C3": (2416, "full C3")}) is True
    assert check_table(None, truth) is None
    with pytest.raises(TypeError, match="answer must be a dict"):
        check_table([156, 12], truth)
