"""Scoring, against figures computed by hand (the arithmetic is in the comments)."""
from collections import Counter
from fractions import Fraction

import pytest

from services.reporting.domain.scoring import (DIMENSIONS, OrganScore, Settings, dimension_score, figure, grade,
                                                organ_score, rank, score_campaign)

S, B, D, U = "satisfied", "basically_satisfied", "dissatisfied", "unknown"


def counts(**levels) -> Counter:
    return Counter({{"s": S, "b": B, "d": D, "u": U}[k]: n for k, n in levels.items()})


def test_unknown_is_excluded_by_default_and_reported_apart():
    f = figure(counts(s=3, b=1, d=1, u=2), Settings())
    # valid = 3 + 1 + 1 = 5 (the two 不了解 are not valid)
    assert (f.answers, f.valid, f.unknown) == (7, 5, 2)
    # satisfaction = (3 满意 + 1 基本满意) ÷ 5 = 4/5
    assert f.satisfaction_rate == Fraction(4, 5)
    # composite = (3·100 + 1·70 + 1·0) ÷ 5 = 370/5 = 74
    assert f.composite == 74
    # 不了解 share = 2 ÷ 7 answers
    assert f.unknown_share == Fraction(2, 7)


def test_unknown_counts_when_the_campaign_says_so():
    settings = Settings(unknown_is_valid=True, level_points={S: 100, B: 70, D: 0, U: 20})
    f = figure(counts(s=3, b=1, d=1, u=2), settings)
    # valid = 7; satisfaction = 4 ÷ 7; composite = (300 + 70 + 0 + 2·20) ÷ 7 = 410/7
    assert (f.valid, f.satisfaction_rate, f.composite) == (7, Fraction(4, 7), Fraction(410, 7))
    assert f.unknown_share == Fraction(2, 7)


def test_configurable_points():
    f = figure(counts(s=3, b=1, d=1, u=2), Settings(level_points={S: 100, B: 75, D: 55, U: 0}))
    # (3·100 + 1·75 + 1·55) ÷ 5 = 430/5 = 86
    assert f.composite == 86


def test_no_valid_answers_gives_no_figure_not_zero():
    f = figure(counts(u=4), Settings())
    assert (f.valid, f.satisfaction_rate, f.composite, f.unknown_share) == (0, None, None, 1)
    assert figure({}, Settings()).unknown_share is None


def test_pooled_only_without_category_weights():
    by_category = {"npc_deputy": counts(s=1, d=1), "farmer_or_resident": counts(s=2, b=2)}
    score = dimension_score(by_category, Settings())
    # pooled: 6 valid, (3·100 + 2·70 + 0) ÷ 6 = 440/6 = 220/3; satisfaction 5/6
    assert score.pooled.composite == Fraction(220, 3)
    assert score.pooled.satisfaction_rate == Fraction(5, 6)
    assert score.weighted_composite is None and score.composite == Fraction(220, 3)


def test_category_weights_renormalised_over_categories_with_valid_answers():
    weights = {"npc_deputy": 3, "farmer_or_resident": 1, "retiree": 2}
    by_category = {
        "npc_deputy": counts(s=1, d=1),            # composite (100 + 0) ÷ 2 = 50, satisfaction 1/2
        "farmer_or_resident": counts(s=2, b=2),    # composite (200 + 140) ÷ 4 = 85, satisfaction 1
        "retiree": counts(u=3),                    # no valid answer: left out, its weight 2 with it
    }
    score = dimension_score(by_category, Settings(category_weights=weights))
    # weighted composite = (3·50 + 1·85) ÷ (3 + 1) = 235/4 = 58.75
    assert score.weighted_composite == Fraction(235, 4)
    # weighted satisfaction = (3·1/2 + 1·1) ÷ 4 = 5/8
    assert score.weighted_satisfaction_rate == Fraction(5, 8)
    # pooled beside it: 6 valid answers, 440/6 = 220/3, satisfaction 5/6; 不了解 3 of 9 answers
    assert score.pooled.composite == Fraction(220, 3)
    assert score.pooled.satisfaction_rate == Fraction(5, 6)
    assert score.pooled.unknown_share == Fraction(1, 3)
    # the weighted figure is the one that counts
    assert score.composite == Fraction(235, 4)


def test_a_category_without_a_weight_weighs_nothing():
    settings = Settings.from_campaign(
        {"level_points": {S: 100, B: 70, D: 0, U: 0}, "unknown_is_valid": False,
         "dimension_weights": [{"dimension": d, "weight": 1} for d in DIMENSIONS],
         "grade_bands": [{"grade": "satisfied", "name": "满意", "min_score": 85},
                         {"grade": "dissatisfied", "name": "不满意", "min_score": 0}],
         "bottom_n": 3, "min_valid_n": 30},
        [{"category": "npc_deputy", "weight": 2}, {"category": "retiree", "weight": None}])
    assert settings.category_weights == {"npc_deputy": 2, "retiree": 0}
    score = dimension_score({"npc_deputy": counts(b=1), "retiree": counts(s=1)}, settings)
    # weighted: only npc_deputy counts → 70; pooled: (70 + 100) ÷ 2 = 85
    assert (score.weighted_composite, score.pooled.composite) == (70, 85)


def test_no_weights_anywhere_means_pooled():
    settings = Settings.from_campaign(
        {"level_points": {S: 100, B: 70, D: 0, U: 0}, "unknown_is_valid": False,
         "dimension_weights": [{"dimension": "work_quality", "weight": 1}], "grade_bands": [],
         "bottom_n": 3, "min_valid_n": 30},
        [{"category": "npc_deputy", "weight": None}, {"category": "retiree", "weight": None}])
    assert settings.category_weights is None


def test_organ_score_is_the_weighted_mean_over_dimensions_that_have_a_figure():
    settings = Settings(dimension_weights={"serving_overall": 2, "work_quality": 1, "organ_image": 1})
    dims = {"serving_overall": dimension_score({"c": counts(s=4, d=1)}, settings),   # 400/5 = 80, n 5
            "work_quality": dimension_score({"c": counts(s=3, d=2)}, settings)}      # 300/5 = 60, n 5
    organ = organ_score("organ-a", "government", dims, settings)
    # organ_image has no answers: weights renormalised over the other two → (2·80 + 1·60) ÷ 3 = 220/3
    assert organ.pooled_score == Fraction(220, 3)
    # satisfaction: (2·4/5 + 1·3/5) ÷ 3 = (8/5 + 3/5) ÷ 3 = 11/15
    assert organ.pooled_satisfaction_rate == Fraction(11, 15)
    # valid n = the thinnest dimension's: organ_image has 0
    assert organ.valid_n == 0
    assert organ.weighted_score is None and organ.score == Fraction(220, 3)


def test_equal_dimension_weights_by_default():
    settings = Settings()
    per_dimension = [counts(s=1), counts(b=1), counts(d=1), counts(s=1, d=1), counts(s=1, b=1)]
    dims = {d: dimension_score({"c": c}, settings) for d, c in zip(DIMENSIONS, per_dimension)}
    organ = organ_score("organ-a", "court", dims, settings)
    # dimension composites 100, 70, 0, 50, 85 → (100 + 70 + 0 + 50 + 85) ÷ 5 = 305/5 = 61
    assert organ.pooled_score == 61
    assert organ.valid_n == 1


def test_weighted_organ_score_beside_pooled():
    settings = Settings(dimension_weights={"work_quality": 1, "organ_image": 1},
                        category_weights={"npc_deputy": 1, "retiree": 1})
    dims = {"work_quality": dimension_score({"npc_deputy": counts(s=1), "retiree": counts(d=3)}, settings),
            "organ_image": dimension_score({"npc_deputy": counts(b=2)}, settings)}
    organ = organ_score("organ-a", "court", dims, settings)
    # work_quality: weighted (1·100 + 1·0) ÷ 2 = 50; pooled 100 ÷ 4 = 25
    # organ_image: weighted 70 (only npc_deputy answered); pooled 70
    # organ: weighted (50 + 70) ÷ 2 = 60; pooled (25 + 70) ÷ 2 = 95/2
    assert (organ.weighted_score, organ.pooled_score, organ.score) == (60, Fraction(95, 2), 60)
    # satisfaction: work_quality weighted (1 + 0) ÷ 2 = 1/2, organ_image 1 → 3/4; pooled (1/4 + 1) ÷ 2 = 5/8
    assert (organ.weighted_satisfaction_rate, organ.pooled_satisfaction_rate) == (Fraction(3, 4), Fraction(5, 8))


@pytest.mark.parametrize("score, expected", [
    (100, "satisfied"), (85, "satisfied"), (Fraction(8499, 100), "fairly_satisfied"), (75, "fairly_satisfied"),
    (Fraction(7499, 100), "basically_satisfied"), (60, "basically_satisfied"), (Fraction(5999, 100), "dissatisfied"),
    (0, "dissatisfied"), (None, None)])
def test_default_grade_bands(score, expected):
    assert grade(score, Settings().grade_bands) == expected


def test_custom_grade_bands_in_any_order():
    bands = (("dissatisfied", "不满意", 0), ("satisfied", "好", 90))
    assert grade(Fraction(90), bands) == "satisfied" and grade(Fraction(89), bands) == "dissatisfied"


def organ(organ_id, category, score, valid_n=50):
    return OrganScore(organ_id, category, {}, valid_n, Fraction(score), None, None, None)


def test_ranking_within_category_ties_bottom_n_and_low_n():
    organs = [organ("a", "government", 90), organ("b", "government", 80), organ("c", "government", 70),
              organ("d", "government", 70), organ("e", "government", 60),
              organ("f", "government", 10, valid_n=29),   # below min_valid_n 30: flagged, not ranked
              organ("court", "court", 95), organ("court2", "court", 50)]
    ranked = {o.organ_id: o for o in rank(organs, Settings())}
    # government: 90, 80, 70, 70, 60 → ranks 1, 2, 3, 3, 5 (competition ranking)
    assert [ranked[k].rank_in_category for k in "abcde"] == [1, 2, 3, 3, 5]
    # bottom 3 of five ranked: the 3rd from the bottom scores 70, so 70, 70 and 60 are flagged
    assert [ranked[k].bottom for k in "abcde"] == [False, False, True, True, True]
    assert (ranked["f"].low_n, ranked["f"].rank_in_category, ranked["f"].bottom) == (True, None, False)
    assert ranked["f"].grade == "dissatisfied"  # graded even though not ranked
    # court: only two ranked organs (≤ bottom N): ranked, none flagged
    assert [(ranked[k].rank_in_category, ranked[k].bottom) for k in ("court", "court2")] == [(1, False), (2, False)]
    # overall: 95, 90, 80, 70, 70, 60, 50
    assert [ranked[k].rank_overall for k in ("court", "a", "b", "c", "d", "e", "court2")] == [1, 2, 3, 4, 4, 6, 7]


def test_score_campaign_end_to_end():
    settings = Settings(dimension_weights={"work_quality": 1}, min_valid_n=2, bottom_n=1)
    ratings = [
        ("organ-a", "work_quality", "retiree", S), ("organ-a", "work_quality", "retiree", B),   # (100+70)/2 = 85
        ("organ-b", "work_quality", "retiree", D), ("organ-b", "work_quality", "retiree", S),   # 100/2 = 50
        ("organ-b", "work_quality", "retiree", U),
        ("organ-c", "work_quality", "retiree", S),                                             # n 1 < 2
        ("organ-x", "work_quality", "retiree", S),                                             # not a target
        ("organ-a", "organ_image", "retiree", D),                                              # not a scored dimension
    ]
    scored = {o.organ_id: o for o in score_campaign(
        {"organ-a": "government", "organ-b": "government", "organ-c": "government", "organ-d": "court"},
        ratings, settings)}
    assert set(scored) == {"organ-a", "organ-b", "organ-c", "organ-d"}
    a, b, c, d = (scored[k] for k in ("organ-a", "organ-b", "organ-c", "organ-d"))
    assert (a.score, a.grade, a.rank_in_category, a.bottom) == (85, "satisfied", 1, False)
    assert (b.score, b.grade, b.rank_in_category, b.bottom) == (50, "dissatisfied", 2, True)
    assert b.dimensions["work_quality"].pooled.unknown_share == Fraction(1, 3)
    assert (c.low_n, c.rank_in_category) == (True, None)
    assert (d.score, d.valid_n, d.low_n, d.grade) == (None, 0, True, None)
