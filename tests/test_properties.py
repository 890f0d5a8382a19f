"""Property tests: classification is monotone in TPP and agrees with the region definitions;
assess never loosens with more restrictive facts and never says NLR on an unknown that matters."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from longarm.assess import assess
from longarm.classify import classify
from longarm.model import Item, Party, Transaction


def rank(result) -> int:
    """0 = 3A090.a, 1 = 3A090.b, 2 = below; an undetermined result ranks as its highest candidate."""
    return min({"3A090.a": 0, "3A090.b": 1}.get(c, 2) for c in result.candidates)


tpps = st.floats(min_value=1, max_value=60_000, allow_nan=False)
areas = st.floats(min_value=10, max_value=5_000, allow_nan=False)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2027, 12, 31))
after_2023 = st.dates(min_value=dt.date(2023, 11, 17), max_value=dt.date(2027, 12, 31))


def regions(tpp: float, pd: float, dc: bool) -> str:
    """3A090.a/.b as the regulation states them (15 CFR 774 Supp. 1, text from 2023-11-17)."""
    if not dc and tpp < 4800:
        return "below"
    if tpp >= 4800 or (tpp >= 1600 and pd >= 5.92):
        return "3A090.a"
    if (2400 <= tpp < 4800 and 1.6 <= pd < 5.92) or (tpp >= 1600 and 3.2 <= pd < 5.92):
        return "3A090.b"
    return "below"


@settings(max_examples=300, deadline=None)
@given(tpp=tpps, area=areas, dc=st.booleans(), on=after_2023)
def test_classification_agrees_with_the_region_definitions(tpp, area, dc, on):
    pd = tpp / area
    if min(abs(pd - t) for t in (1.6, 3.2, 5.92)) < 1e-6:
        return  # on a boundary within float noise: covered by the boundary tests
    got = classify(Item(tpp=tpp, die_area_mm2=area, datacenter=dc), on).eccn
    want = regions(tpp, pd, dc)
    assert (got if got.startswith("3A090") else "below") == want


@settings(max_examples=200, deadline=None)
@given(tpp=tpps, extra=st.floats(min_value=0, max_value=20_000), area=areas, dc=st.booleans(), on=after_2023)
def test_more_tpp_on_the_same_die_never_lowers_the_control(tpp, extra, area, dc, on):
    low = classify(Item(tpp=tpp, die_area_mm2=area, datacenter=dc), on)
    high = classify(Item(tpp=tpp + extra, die_area_mm2=area, datacenter=dc), on)
    assert rank(high) <= rank(low)


@settings(max_examples=200, deadline=None)
@given(
    tpp=tpps,
    area=st.one_of(st.none(), areas),
    dc=st.one_of(st.none(), st.booleans()),
    on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2022, 10, 6)),
)
def test_before_october_7_2022_nothing_is_3a090(tpp, area, dc, on):
    r = classify(Item(tpp=tpp, die_area_mm2=area, datacenter=dc, bidirectional_transfer_rate_gbs=900), on)
    assert not any(c.startswith(("3A090", "4A090")) for c in [r.eccn, *r.candidates])


destinations = st.sampled_from(
    ["CN", "MO", "HK", "VN", "SA", "AE", "IL", "DE", "JP", "SG", "IN", "IR", "RU", "US", "MY"]
)
chips = st.sampled_from(
    [
        "nvidia-h100-sxm",
        "nvidia-h20",
        "nvidia-rtx-4090",
        "nvidia-rtx-4090d",
        "amd-mi300x",
        "huawei-ascend-910b",
        "nvidia-a100-sxm",
    ]
)
hq = st.sampled_from(["CN", "MO", "US", "DE", "SG"])
postures = st.sampled_from(["text", "enforced"])


def tx(chip, dest, on, posture, parties, end_uses=()):
    return Transaction(
        as_of=on,
        from_country="US",
        to_country=dest,
        posture=posture,
        item=Item(catalog_id=chip, origin_country="US"),
        parties=parties,
        end_uses=list(end_uses),
    )


def known_party(hq_country):
    return Party(
        role="end_user",
        name="Example Trading Co., Ltd.",
        country="SG",
        headquarters_country=hq_country,
        ultimate_parent_headquarters_country=hq_country,
    )


HUAWEI = Party(
    role="ultimate_consignee",
    name="Huawei Technologies Co., Ltd.",
    country="CN",
    headquarters_country="CN",
    ultimate_parent_headquarters_country="CN",
)

slow = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@slow
@given(chip=chips, dest=destinations, on=dates, posture=postures, hq_country=hq)
def test_adding_an_entity_list_party_never_turns_a_requirement_off(chip, dest, on, posture, hq_country):
    base = assess(tx(chip, dest, on, posture, [known_party(hq_country)]))
    more = assess(tx(chip, dest, on, posture, [known_party(hq_country), HUAWEI]))
    if base.license_required:
        assert more.license_required is True
    assert {(r.citation, r.reason) for r in base.license_requirements} <= {
        (r.citation, r.reason) for r in more.license_requirements
    }
    assert more.outcome != "NLR" or (base.outcome == "NLR" and on < dt.date(2019, 1, 1))


@slow
@given(chip=chips, dest=destinations, on=dates, posture=postures)
def test_before_october_7_2022_assess_never_yields_3a090(chip, dest, on, posture):
    if on >= dt.date(2022, 10, 7):
        on = on.replace(year=2021, day=min(on.day, 28))  # 2021 has no 29 February
    d = assess(tx(chip, dest, on, posture, [known_party("DE")]))
    assert not d.item.eccn.startswith(("3A090", "4A090"))
    assert not any("742.6" in r.citation for r in d.license_requirements)


@slow
@given(
    chip=chips,
    dest=destinations,
    on=dates,
    posture=postures,
    hq_country=hq,
    uses=st.sampled_from([[], ["supercomputer"], ["advanced_node_ic_production"], ["military_intelligence"]]),
)
def test_an_unknown_fact_never_yields_nlr_where_a_known_one_requires_a_license(
    chip, dest, on, posture, hq_country, uses
):
    known = assess(tx(chip, dest, on, posture, [known_party(hq_country)], uses))
    unknown_hq = assess(
        Transaction(
            **{
                **tx(
                    chip,
                    dest,
                    on,
                    posture,
                    [Party(role="end_user", name="Example Trading Co., Ltd.", country="SG")],
                    uses,
                ).model_dump()
            }
        )
    )
    unknown_uses = assess(
        Transaction(**{**tx(chip, dest, on, posture, [known_party(hq_country)]).model_dump(), "end_uses": None})
    )
    if known.license_required:
        assert unknown_hq.outcome != "NLR"
        assert unknown_uses.outcome != "NLR"


@slow
@given(
    chip=st.sampled_from(["nvidia-h100-sxm", "nvidia-a100-sxm", "nvidia-rtx-4090", "amd-mi300x"]),
    on=st.dates(min_value=dt.date(2023, 11, 17), max_value=dt.date(2026, 12, 31)),
    posture=postures,
)
def test_no_3a090_item_to_the_uae_is_nlr(chip, on, posture):
    """The UAE was in D:4 until FR Doc 2026-14132 (in effect on a day from 2026-07-10 the sources do not
    fix), which moved it into A:5 while the text names it and license-free access is for approved entities
    only: no 3A090 item to the UAE is NLR, under either posture."""
    d = assess(tx(chip, "AE", on, posture, [known_party("AE")]))
    assert d.outcome != "NLR"
    if d.outcome == "UNDETERMINED":
        assert any(q.field == "to_country" for q in d.questions) or d.item.eccn == "UNDETERMINED"


# ---- consistency of every determination, over every scenario file and both postures -------------

import pytest  # noqa: E402
from test_scenarios import CASES  # noqa: E402

from longarm.inputs import transaction  # noqa: E402

GUIDANCE_PRESUMPTION = "high probability that a BIS authorization was required"


def consistency_problems(d) -> list[str]:
    """What makes a determination inconsistent with itself (an empty list when it is sound)."""
    problems = []
    if d.outcome == "PROHIBITED" and not (
        (d.subject_to_ear and d.subject_to_ear_reasons)
        or any(GUIDANCE_PRESUMPTION in g.text for g in d.general_prohibitions)
    ):
        problems.append("PROHIBITED without the reason the item is subject to the EAR or the guidance's presumption")
    if d.license_required is None and d.outcome not in ("UNDETERMINED", "PROHIBITED"):
        problems.append("license_required null with a decided outcome")
    if d.license_required is None and d.subject_to_ear is not None and d.license_requirements:
        problems.append("license_required null although a requirement applies to an item subject to the EAR")
    if d.subject_to_ear is False and (d.license_required or d.license_requirements):
        problems.append("a license requirement for an item not subject to the EAR")
    if d.subject_to_ear and bool(d.license_required) != bool(d.license_requirements):
        problems.append("license_required does not match the requirements listed")
    keys = [(r.citation, r.reason) for r in d.license_requirements]
    if len(keys) != len(set(keys)):
        problems.append(f"a requirement is listed twice: {keys}")
    if d.outcome == "LICENSE_EXCEPTION" and not (d.license_exceptions and d.license_required):
        problems.append("LICENSE_EXCEPTION without an exception or a requirement")
    if d.license_exceptions and d.outcome not in ("LICENSE_EXCEPTION", "PROHIBITED"):
        problems.append(f"an exception is available but the outcome is {d.outcome}")
    for e in d.license_exceptions:
        if any(c.status == "not_met" for c in e.conditions):
            problems.append(f"{e.name} offered with a condition not met")
        for c in e.conditions:
            if "not designed or marketed for use in a datacenter" in c.text and d.item.datacenter is False:
                if c.status != "met":
                    problems.append(f"{e.name}: datacenter condition {c.status} contradicts item.datacenter")
        if d.item.datacenter and d.item.eccn.endswith(".a") and e.name in ("NAC", "ACA"):
            problems.append(f"{e.name} offered for a datacenter .a item")
    for r in d.license_requirements:
        if ("742.6(a)(6)" in r.citation or "744.23(a)(3)" in r.citation) and not (
            r.review_policy and ("742.6(b)(10)" in r.review_policy or "744.23(d)" in r.review_policy)
        ):
            problems.append(f"{r.citation} without the review policy of 742.6(b)(10) or 744.23(d)")
    if "UNCLASSIFIED" in (d.item.eccn, *d.item.candidates) and d.license_required is False and d.subject_to_ear:
        problems.append("license_required false although the ECCN the license question turns on is unknown")
    if d.outcome == "UNDETERMINED" and not d.questions:
        problems.append("UNDETERMINED without a question")
    return problems


@pytest.mark.parametrize("name,data,expect,source", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("posture", ["text", "enforced"])
def test_every_scenario_is_consistent_under_both_postures(name, data, expect, source, posture):
    d = assess(transaction({**data, "posture": posture}))
    assert consistency_problems(d) == [], d.model_dump_json(indent=1)


@pytest.mark.parametrize("name,data,expect,source", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("posture", ["text", "enforced"])
def test_a_listed_requirement_means_a_license_is_required(name, data, expect, source, posture):
    """`license_required` is true when the EAR impose a requirement: a requirement listed in
    `license_requirements` with `license_required` false or null contradicts itself."""
    d = assess(transaction({**data, "posture": posture}))
    if d.license_requirements:
        assert d.license_required is True, d.model_dump_json(indent=1)
