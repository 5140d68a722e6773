"""Scoring an appraisal campaign (群众评机关): pure functions, no I/O.

The rules (DOMAIN.md, "Rules the software should follow"), every number taken from the
campaign's settings (`Settings.from_campaign`; defaults below):

- Each answer is a level: 满意 satisfied / 基本满意 basically_satisfied / 不满意 dissatisfied /
  不了解 unknown. 不了解 is not a valid answer unless the campaign says so (`unknown_is_valid`);
  its share of all answers is reported on its own.
- Per organ × dimension: satisfaction rate = (满意 + 基本满意) ÷ valid; composite score (0–100)
  = mean of the level points over the valid answers (default 100 / 70 / 0).
- Pooled: every valid answer counts once. Weighted (only when respondent categories carry
  weights): each category is scored on its own and the category figures are combined by the
  weights, renormalised over the categories that have valid answers. The pooled figure is
  always given beside the weighted one; ranking uses the weighted one when there is one.
- An organ's score = mean over its dimensions, weighted by the dimension weights (equal by
  default), renormalised over the dimensions that have a figure. Its valid n is the smallest
  valid n of its dimensions (the figure is only as reliable as its thinnest dimension).
- Grade bands (highest first): the first band whose minimum the score reaches.
- Ranking is within the organ's category (序列); an organ whose valid n is below `min_valid_n`
  is flagged unreliable and not ranked. The bottom N ranked organs of a category are flagged;
  an organ tied with the N-th from the bottom is flagged too. A category with N or fewer ranked
  organs flags none: in a category of one court, "bottom three" would say nothing.

All arithmetic is exact (fractions): points and weights are integers, so a figure is a ratio of
integers and a report rounds it only for display. Ties are therefore real ties.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping

DIMENSIONS = ("serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image")
SATISFIED_LEVELS = ("satisfied", "basically_satisfied")
UNKNOWN = "unknown"

DEFAULT_POINTS = {"satisfied": 100, "basically_satisfied": 70, "dissatisfied": 0, "unknown": 0}
DEFAULT_BANDS = (("satisfied", "满意", 85), ("fairly_satisfied", "比较满意", 75),
                 ("basically_satisfied", "基本满意", 60), ("dissatisfied", "不满意", 0))


@dataclass(frozen=True)
class Settings:
    level_points: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    unknown_is_valid: bool = False
    dimension_weights: Mapping[str, int] = field(default_factory=lambda: {d: 1 for d in DIMENSIONS})
    grade_bands: tuple = DEFAULT_BANDS          # (grade, name, min_score), any order
    bottom_n: int = 3
    min_valid_n: int = 30
    category_weights: Mapping[str, int] | None = None  # respondent category → weight; None: pooled only

    @classmethod
    def from_campaign(cls, scoring: Mapping, respondent_categories: Iterable[Mapping]) -> "Settings":
        """From the appraisal contract's `scoring` and `respondent_categories` (see EVENTS.md).

        A respondent category whose weight is null, in a campaign where others have weights,
        weighs nothing in the weighted figure (it still counts in the pooled one).
        """
        weights = {g["category"]: g.get("weight") for g in respondent_categories}
        weighted = any(w is not None for w in weights.values())
        return cls(
            level_points=dict(scoring["level_points"]),
            unknown_is_valid=scoring["unknown_is_valid"],
            dimension_weights={d["dimension"]: d["weight"] for d in scoring["dimension_weights"]},
            grade_bands=tuple((b["grade"], b["name"], b["min_score"]) for b in scoring["grade_bands"]),
            bottom_n=scoring["bottom_n"], min_valid_n=scoring["min_valid_n"],
            category_weights={c: w or 0 for c, w in weights.items()} if weighted else None,
        )

    def is_valid(self, level: str) -> bool:
        return level != UNKNOWN or self.unknown_is_valid


@dataclass(frozen=True)
class Figure:
    """Satisfaction rate and composite score of a set of answers."""
    answers: int                      # every answer, 不了解 included
    valid: int
    unknown: int
    satisfaction_rate: Fraction | None
    composite: Fraction | None

    @property
    def unknown_share(self) -> Fraction | None:
        return Fraction(self.unknown, self.answers) if self.answers else None


@dataclass(frozen=True)
class DimensionScore:
    pooled: Figure
    weighted_satisfaction_rate: Fraction | None = None  # None when the campaign has no weights
    weighted_composite: Fraction | None = None

    @property
    def composite(self) -> Fraction | None:
        """The figure that counts: weighted when the campaign weights categories, else pooled."""
        return self.weighted_composite if self.weighted_composite is not None else self.pooled.composite


@dataclass
class OrganScore:
    organ_id: str
    category: str
    dimensions: dict[str, DimensionScore]
    valid_n: int
    pooled_score: Fraction | None
    pooled_satisfaction_rate: Fraction | None
    weighted_score: Fraction | None
    weighted_satisfaction_rate: Fraction | None
    grade: str | None = None
    low_n: bool = False
    rank_in_category: int | None = None
    rank_overall: int | None = None
    bottom: bool = False

    @property
    def score(self) -> Fraction | None:
        """The score that ranks and grades: weighted when there is one, else pooled."""
        return self.weighted_score if self.weighted_score is not None else self.pooled_score


# --- one set of answers --------------------------------------------------------------------------

def figure(counts: Mapping[str, int], settings: Settings) -> Figure:
    answers = sum(counts.values())
    valid = {level: n for level, n in counts.items() if settings.is_valid(level)}
    valid_n = sum(valid.values())
    if not valid_n:
        return Figure(answers, 0, counts.get(UNKNOWN, 0), None, None)
    satisfied = sum(valid.get(level, 0) for level in SATISFIED_LEVELS)
    points = sum(settings.level_points[level] * n for level, n in valid.items())
    return Figure(answers, valid_n, counts.get(UNKNOWN, 0), Fraction(satisfied, valid_n), Fraction(points, valid_n))


def weighted_mean(values: Mapping[str, Fraction | None], weights: Mapping[str, int]) -> Fraction | None:
    """Σ wᵢ·vᵢ ÷ Σ wᵢ over the keys that have a value and a positive weight (renormalised)."""
    present = {k: v for k, v in values.items() if v is not None and weights.get(k, 0) > 0}
    total = sum(weights[k] for k in present)
    return sum((weights[k] * v for k, v in present.items()), Fraction(0)) / total if total else None


# --- organ × dimension ---------------------------------------------------------------------------

def dimension_score(by_category: Mapping[str, Mapping[str, int]], settings: Settings) -> DimensionScore:
    """The answers to one dimension of one organ, as level counts per respondent category."""
    pooled_counts: Counter = Counter()
    for counts in by_category.values():
        pooled_counts.update(counts)
    pooled = figure(pooled_counts, settings)
    if settings.category_weights is None:
        return DimensionScore(pooled)
    per_category = {c: figure(counts, settings) for c, counts in by_category.items()}
    return DimensionScore(
        pooled,
        weighted_mean({c: f.satisfaction_rate for c, f in per_category.items()}, settings.category_weights),
        weighted_mean({c: f.composite for c, f in per_category.items()}, settings.category_weights),
    )


def organ_score(organ_id: str, category: str, dimensions: Mapping[str, DimensionScore],
                settings: Settings) -> OrganScore:
    weights = settings.dimension_weights
    scored = {d: dimensions.get(d) or DimensionScore(figure({}, settings)) for d in weights}
    weighted = settings.category_weights is not None
    return OrganScore(
        organ_id=organ_id, category=category, dimensions=scored,
        valid_n=min((s.pooled.valid for s in scored.values()), default=0),
        pooled_score=weighted_mean({d: s.pooled.composite for d, s in scored.items()}, weights),
        pooled_satisfaction_rate=weighted_mean({d: s.pooled.satisfaction_rate for d, s in scored.items()}, weights),
        weighted_score=weighted_mean({d: s.weighted_composite for d, s in scored.items()}, weights)
        if weighted else None,
        weighted_satisfaction_rate=weighted_mean({d: s.weighted_satisfaction_rate for d, s in scored.items()},
                                                 weights) if weighted else None,
    )


def grade(score: Fraction | None, bands: Iterable[tuple]) -> str | None:
    if score is None:
        return None
    for code, _name, min_score in sorted(bands, key=lambda b: b[2], reverse=True):
        if score >= min_score:
            return code
    return None


# --- ranking -------------------------------------------------------------------------------------

def competition_ranks(scores: list[Fraction]) -> list[int]:
    """1, 2, 2, 4…: equal scores share a rank, the next rank skips (scores sorted high to low)."""
    return [scores.index(s) + 1 for s in scores]


def rank(organs: list[OrganScore], settings: Settings) -> list[OrganScore]:
    """Grade, flag low n, rank within each category and overall, flag each category's bottom N."""
    for organ in organs:
        organ.grade = grade(organ.score, settings.grade_bands)
        organ.low_n = organ.valid_n < settings.min_valid_n
    rankable = sorted((o for o in organs if o.score is not None and not o.low_n), key=lambda o: o.score, reverse=True)
    for organ, r in zip(rankable, competition_ranks([o.score for o in rankable])):
        organ.rank_overall = r
    by_category: dict[str, list[OrganScore]] = defaultdict(list)
    for organ in rankable:
        by_category[organ.category].append(organ)
    for members in by_category.values():
        scores = [o.score for o in members]
        for organ, r in zip(members, competition_ranks(scores)):
            organ.rank_in_category = r
        if settings.bottom_n and len(members) > settings.bottom_n:
            threshold = scores[-settings.bottom_n]
            for organ in members:
                organ.bottom = organ.score <= threshold
    return organs


# --- a whole campaign ----------------------------------------------------------------------------

Rating = tuple[str, str, str, str]  # (organ_id, dimension, respondent category, level)


def tally(ratings: Iterable[Rating]) -> dict[tuple[str, str], dict[str, Counter]]:
    """Level counts per (organ, dimension) and respondent category."""
    out: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for organ_id, dimension, category, level in ratings:
        out[(organ_id, dimension)][category][level] += 1
    return out


def score_campaign(targets: Mapping[str, str], ratings: Iterable[Rating], settings: Settings) -> list[OrganScore]:
    """Every target organ (organ_id → organ category), scored, graded and ranked."""
    counts = tally(ratings)
    organs = []
    for organ_id, category in targets.items():
        dimensions = {d: dimension_score(counts[(organ_id, d)], settings)
                      for d in settings.dimension_weights if (organ_id, d) in counts}
        organs.append(organ_score(organ_id, category, dimensions, settings))
    return rank(organs, settings)
