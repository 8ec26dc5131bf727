import numpy as np
import pytest

from cnnlab.exercises import NOT_ANSWERED, check, check_table, read_numbers

LENET = {"C1": 156, "S2": 12, "C3": 1516, "S4": 32, "C5": 48120,
         "F6": 10164, "OUTPUT": 0}
C3_TABLE_FORGOTTEN = ("the connection table forgotten: C3 connects each map "
                      "to only some S2 maps")
S2_NOTHING = "S2 has a trainable coefficient and bias per map"


def test_check_pass_fail_and_unanswered(capsys):
    assert check(153, 9 * 16 + 9) is True
    assert "PASS" in capsys.readouterr().out
    assert check(152, 153, hint="count the biases") is False
    out = capsys.readouterr().out
    assert "FAIL" in out and "count the biases" in out
    assert check(None, 153, what="FC parameters") is None
    assert capsys.readouterr().out == NOT_ANSWERED + " (FC parameters)\n"


def test_check_arrays_need_the_same_shape(capsys):
    ref = np.arange(4.0).reshape(2, 2)
    assert check(ref + 1e-9, ref) is True
    assert check(ref.ravel(), ref) is False
    assert "expected shape (2, 2), got (4,)" in capsys.readouterr().out
    assert check("not a number", ref) is False
    assert "'not a number' is not a number" in capsys.readouterr().out


@pytest.mark.parametrize("typed", ["2,765,910", "2 765 910", "2_765_910",
                                   "2，765，910", " 2765910 ", "2765910.0",
                                   2765910.0, np.int64(2765910)])
def test_check_reads_numbers_with_thousands_separators(typed, capsys):
    assert check(typed, 2_765_910) is True
    assert capsys.readouterr().out == "PASS\n"


@pytest.mark.parametrize("typed", [(20, 30), [20, 30], "20, 30", "(20, 30)",
                                   "20 30", ("20", "30"), np.array([20, 30])])
def test_check_reads_several_numbers_in_any_container(typed, capsys):
    assert check(typed, [20, 30]) is True
    assert "PASS" in capsys.readouterr().out


def test_check_reads_a_shape_typed_as_a_tuple(capsys):
    assert check((16, 5, 5), np.array([16, 5, 5])) is True
    assert check((16, 5), np.array([16, 5, 5])) is False
    assert "expected 3 numbers, got 2" in capsys.readouterr().out


@pytest.mark.parametrize("typed, words", [
    ({"FC": 1}, "a dict holds named values"),
    ({20, 30}, "a set has no order"),
    ("twenty", "'twenty' is not a number"),
    ("", "'' is not a number"),
    (object(), "an object is not a number"),
    ([1, [2, 3]], "nests its numbers unevenly"),
    (float("nan"), "nan is not right"),
    ("1,2,3,4", "is not"),
])
def test_check_never_raises_and_says_why(typed, words, capsys):
    assert check(typed, 3) is False
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and words in out


def test_check_names_the_wrong_element_without_giving_the_answer(capsys):
    assert check((20, 31), [20, 30]) is False
    out = capsys.readouterr().out
    assert "number 2 of 2 (31) is wrong" in out and "30" not in out
    truth = np.zeros((5, 5))
    typed = truth.copy()
    typed[1, 2] = 7
    assert check(typed, truth) is False
    assert "entry (row 2, column 3) is wrong" in capsys.readouterr().out


def test_check_mistakes_name_the_likely_mistake(capsys):
    mistakes = {2416: C3_TABLE_FORGOTTEN, lambda a: a == 1516 - 16: "a bias forgotten"}
    assert check(2416, 1516, mistakes=mistakes) is False
    assert "likely mistake: " + C3_TABLE_FORGOTTEN in capsys.readouterr().out
    assert check("1,500", 1516, mistakes=mistakes) is False
    assert "likely mistake: a bias forgotten" in capsys.readouterr().out
    assert check(1517, 1516, mistakes=mistakes) is False
    assert "likely mistake" not in capsys.readouterr().out
    assert check(1516, 1516, mistakes=mistakes) is True
    assert capsys.readouterr().out == "PASS\n"


def test_check_mistakes_for_several_numbers(capsys):
    assert check((14, 14), [14, 16], mistakes={(14, 14): "stride 2 ignored"}) is False
    assert "likely mistake: stride 2 ignored" in capsys.readouterr().out


def test_a_broken_mistakes_entry_does_not_break_the_check(capsys):
    assert check(5, 4, mistakes={"abc": "never", lambda a: 1 / 0: "never"}) is False
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and "never" not in out


def test_read_numbers():
    assert read_numbers("2,765,910").item() == 2_765_910
    assert read_numbers("20,30", size=2).tolist() == [20, 30]
    assert read_numbers("−3").item() == -3
    with pytest.raises(ValueError, match="'x' is not a number"):
        read_numbers("x")


def test_check_table_rows(capsys):
    truth = {"C1": 156, "S2": 12, "C3": 1516}
    assert check_table({"C1": 156, "S2": 12, "C3": 1516}, truth) is True
    assert capsys.readouterr().out == ("C1: PASS (156)\nS2: PASS (12)\n"
                                       "C3: PASS (1,516)\n3 of 3 right\n")
    assert check_table({"C1": 156, "S2": 0}, truth) is False
    out = capsys.readouterr().out
    assert "S2: FAIL" in out and "C3: not answered yet" in out and "1 of 3 right" in out
    assert check_table({"C1": 156, "S2": 12, "C3": 2416}, truth,
                       accept={"C3": (2416, "full C3")}) is True
    assert "C3: PASS — full C3" in capsys.readouterr().out
    assert check_table(None, truth) is None
    assert capsys.readouterr().out == NOT_ANSWERED + "\n"


def test_check_table_never_raises_on_what_a_student_types(capsys):
    assert check_table([156, 12], LENET) is False
    out = capsys.readouterr().out
    assert "should be a dict of row -> value" in out and "'OUTPUT'" in out
    typed = {"C1": "156", "S2": {"x": 1}, "C3": "1,516", "S4": [32],
             "C5": np.int64(48120), "F6": 10164.0, "OUTPUT": "zero"}
    assert check_table(typed, LENET) is False
    out = capsys.readouterr().out
    assert "S2: FAIL — a dict holds named values" in out
    assert "OUTPUT: FAIL — 'zero' is not a number" in out
    assert "5 of 7 right" in out


def test_check_table_reports_a_misspelled_key_as_unknown(capsys):
    typed = dict(LENET)
    typed["C33"] = typed.pop("C3")
    typed["Out put"] = typed.pop("OUTPUT")   # case and spaces do not matter
    assert check_table(typed, LENET) is False
    out = capsys.readouterr().out
    assert "unknown key 'C33' (did you mean 'C3'?)" in out
    assert "expected keys: 'C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT'" in out
    assert "C3: missing — you wrote 'C33' instead" in out
    assert "not answered yet" not in out
    assert "OUTPUT: PASS (0)" in out and "6 of 7 right" in out


def test_check_table_mistakes_per_row(capsys):
    typed = dict(LENET, C3=2416, S2=0, C5=48000)
    mistakes = {"C3": {2416: C3_TABLE_FORGOTTEN},
                "S2": {0: S2_NOTHING},
                "C5": {48120 - 120: "a bias forgotten"}}
    assert check_table(typed, LENET, mistakes=mistakes) is False
    out = capsys.readouterr().out
    assert f"C3: FAIL — 2,416 is not right; likely mistake: {C3_TABLE_FORGOTTEN}" in out
    assert f"S2: FAIL — 0 is not right; likely mistake: {S2_NOTHING}" in out
    assert "C5: FAIL — 48,000 is not right; likely mistake: a bias forgotten" in out
    assert "4 of 7 right" in out
    assert check_table(dict(LENET, C3="2,416"), LENET, mistakes=mistakes) is False
    assert C3_TABLE_FORGOTTEN in capsys.readouterr().out
