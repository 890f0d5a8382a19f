"""Screening: normalisation, the traps other matchers fall into, and quality on the labelled set."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from longarm.screening.match import THRESHOLD, index_for, match
from longarm.screening.normalize import normalize

EVAL = Path(__file__).parent / "data" / "screening_eval.csv"


@pytest.mark.parametrize(
    "variant",
    [
        "Huawei Technologies Co., Ltd.",
        "HUAWEI TECHNOLOGIES CO LTD",
        "华为技术有限公司",
        "華為技術有限公司",
        "Huawei Technologies Company Limited",
        "Hua Wei Technologies Co., Ltd.",
        "HUAWEI TECH CO., LTD",
        "Huawei Technoligies Co Ltd",
    ],
)
def test_huawei_spelt_every_way_screens_to_the_entity_list(variant):
    hits = index_for().screen(variant, "CN")
    assert any(
        m.entry.list_name == "Entity List" and m.entry.name.startswith("Huawei Technologies Co., Ltd.") for m in hits
    )
    assert all(m.score >= THRESHOLD for m in hits)


def test_legal_forms_are_equivalent():
    assert (
        normalize("Acme Co., Ltd.").legal_forms
        == normalize("Acme Company Limited").legal_forms
        == normalize("Acme 有限公司").legal_forms
        == {"ltd"}
    )
    for a, b in [
        ("X GmbH", "X mbH"),
        ("X Pte. Ltd.", "X Ltd"),
        ("X S.A.", "X SA"),
        ("X K.K.", "X Kabushiki Kaisha"),
        ("X Sdn. Bhd.", "X Sdn Bhd"),
        ("X LLC", "X L.L.C."),
    ]:
        assert normalize(a).legal_forms == normalize(b).legal_forms, (a, b)


@pytest.mark.parametrize("query", ["CORP", "LLC", "Co., Ltd.", "Limited", "GmbH", "Inc.", "S.A."])
def test_a_legal_form_alone_matches_nothing(query):
    assert index_for().screen(query) == []
    assert not match(query, "Acme Corp").match


@pytest.mark.parametrize(
    "a,b",
    [
        ("Mwangi & Sons", "Mwangi & Daughters"),
        ("OCEAN STAR 1", "OCEAN STAR 2"),
        ("Alpha SPV 3 Limited", "Alpha SPV 4 Limited"),
        ("Beijing Huawei Digital Technologies Co., Ltd.", "Hangzhou Huawei Digital Technologies Co., Ltd."),
        ("Shenzhen Example Trading Co., Ltd.", "Shenzhen Example Logistics Co., Ltd."),
        ("Example Electronics Co., Ltd.", "Example Semiconductor Co., Ltd."),
    ],
)
def test_hard_negatives_differ(a, b):
    s = match(a, b)
    assert not s.match, s.explanation


def test_scores_explain_themselves():
    s = match("Huawei Technologies Co., Ltd.", "HUAWEI TECH CO LTD")
    assert s.match and "2 of 2 query tokens matched" in s.explanation and "legal form agrees" in s.explanation


def test_country_agreement_is_a_declared_feature():
    with_country = index_for().screen("Huawei Technologies Co., Ltd.", "CN")[0].explanation
    assert "country CN is among the entry's" in with_country


def test_candidates_come_from_the_index_not_a_scan():
    idx = index_for()
    ids = idx.candidates(normalize("Huawei Technologies"))
    assert 0 < len(ids) <= 40 < len(idx.entry_of)


def load_eval():
    with EVAL.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_evaluation_set_is_large_and_varied():
    rows = load_eval()
    assert len(rows) >= 600
    kinds = {r["kind"] for r in rows}
    assert {
        "typo",
        "abbreviation",
        "reordered",
        "legal form",
        "chinese script",
        "pinyin spacing",
        "sibling",
        "other city",
        "number",
    } <= kinds
    assert sum(r["label"] == "0" for r in rows) >= 250


def test_precision_recall_f1_floors():
    tp = fp = fn = 0
    for r in load_eval():
        got, want = match(r["name1"], r["name2"]).match, r["label"] == "1"
        tp += got and want
        fp += got and not want
        fn += want and not got
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert precision >= 0.97 and recall >= 0.95 and f1 >= 0.96, (precision, recall, f1)


def test_screening_finds_the_listed_entry_for_every_positive_variant():
    """The index (candidates, pruning) must not lose what the pairwise score accepts."""
    idx = index_for()
    rows = [r for r in load_eval() if r["label"] == "1"]
    found = 0
    for r in rows:
        found += any(
            m.score >= THRESHOLD and (m.entry.name == r["name2"] or r["name2"] in m.entry.alt_names)
            for m in idx.screen(r["name1"])
        )
    assert found / len(rows) >= 0.95, found / len(rows)


@pytest.mark.parametrize(
    "name", ["China Electronics Technology Group Corporation", "National University of Defense Technology"]
)
def test_names_made_of_common_words_are_still_found(name):
    assert any(m.entry.name.startswith(name) and m.score >= THRESHOLD for m in index_for().screen(name))
