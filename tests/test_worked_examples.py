"""Published worked examples (bench/worked_examples) as tests.

Every example file must be well-formed: each example has its source (citation, quote, quality and the
step from the quote to the answer), an expected outcome, and a Transaction longarm accepts. Every
example longarm agrees with is a regression test. The ones it disagrees with are listed in DISAGREE
with the reason; they are strict xfails, so an engine change that makes one pass turns the suite red
until the example is moved out of the list (and one that breaks an agreeing example does too).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from longarm.errors import InputError
from longarm.inputs import transaction

_RUN = Path(__file__).resolve().parents[1] / "bench" / "worked_examples" / "run.py"
_spec = importlib.util.spec_from_file_location("worked_examples_run", _RUN)
assert _spec and _spec.loader
run = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = run  # its dataclasses look themselves up there
_spec.loader.exec_module(run)

EXAMPLES = run.load_examples()

# id -> why longarm's answer differs from what the source states (see bench/RESULTS.md).
DISAGREE: dict[str, str] = {
    "nvda-2022-08-a100-china-day-before": (
        "the A100 needed no license to China before the letter of 2022-08-26 (the 8-K calls the requirement new); "
        "longarm does not classify items under the CCL before 3A090 existed and answers UNDETERMINED"
    ),
    "thompsonhine-2019-huawei-australia-before": (
        "Huawei's Australian affiliate was listed only from 2019-08-19 (84 FR 43495); on 2019-07-01 longarm "
        "applies the parent's entry (Huawei Technologies Co., Ltd.) to it through a 0.87 fuzzy name match"
    ),
}


def test_enough_examples_in_every_class():
    assert len(EXAMPLES) >= 50
    counts = {cls: sum(ex["class"] == cls for ex in EXAMPLES) for cls in run.CLASSES}
    assert all(counts.values()), f"a class has no example: {counts}"


def test_ids_are_unique_and_disagreements_exist():
    ids = [ex["id"] for ex in EXAMPLES]
    assert len(ids) == len(set(ids))
    assert set(DISAGREE) <= set(ids), f"DISAGREE names unknown examples: {set(DISAGREE) - set(ids)}"


@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex["id"] for ex in EXAMPLES])
def test_example_is_well_formed(ex):
    assert run.form_problems(ex) == []
    want = ex["expected"].get("error_field")
    try:
        transaction(ex["transaction"])
    except InputError as err:
        assert want is not None, f"the Transaction is invalid: {err}"
        assert want in [p.field for p in err.problems]


def _case(ex):
    marks = [pytest.mark.xfail(strict=True, reason=DISAGREE[ex["id"]])] if ex["id"] in DISAGREE else []
    return pytest.param(ex, id=ex["id"], marks=marks)


@pytest.mark.parametrize("ex", [_case(ex) for ex in EXAMPLES])
def test_longarm_agrees_with_the_source(ex):
    result = run.run_one(ex)
    assert result.agrees, (
        f"{ex['id']} ({ex['source']['cite']}): " + "; ".join(result.mismatches) + f"\ngot: {run._brief(result.got)}"
    )
