"""Scores: the versions of the model (stored, checked, activated), a household scored when it is verified
(its history kept, its current columns set, the score distribution counted in the same transaction), every
verified household re-scored set-based under a new version (the `scoring.rescore` job), and what the
dashboards and the explanation pages read."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, and_, delete, func, insert, literal, not_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..domain.scoring import (ILLUSTRATIVE_DEFINITION, ILLUSTRATIVE_NOTES, ILLUSTRATIVE_VERSION, VALUE_COLUMNS,
                              Evaluation, Model, ModelInvalid, Problem, evaluate, explain, read_model)
from ..models import Area, Household, HouseholdScore, ScoreCount, ScoringModel, User
from ..models.summary import NONE_KEY
from . import audit
from .context import ServiceContext
from .scoring_sql import compile_model

VERSION_MAX = 40
NOTES_MAX = 2000


def N_(message: str) -> str:
    return message


# --- versions -------------------------------------------------------------------------------------------


def model_of(row: ScoringModel) -> Model:
    """The stored version as the domain reads it (it was checked when stored)."""
    return read_model(row.definition)


def active_model(session: Session) -> ScoringModel | None:
    return session.scalar(select(ScoringModel).where(ScoringModel.active.is_(True)).order_by(ScoringModel.id.desc())
                          .limit(1))


def model_named(session: Session, version: str) -> ScoringModel | None:
    return session.scalar(select(ScoringModel).where(ScoringModel.version == version))


def all_models(session: Session) -> list[ScoringModel]:
    return list(session.scalars(select(ScoringModel).order_by(ScoringModel.effective_from.desc(),
                                                              ScoringModel.id.desc())))


def create_model(session: Session, ctx: ServiceContext, *, version: str, effective_from: date, definition: object,
                 notes: str | None = None, illustrative: bool = False, actor: User | None = None) -> ScoringModel:
    """Store a new version (not active yet), or raise ModelInvalid with every problem of the definition."""
    problems = []
    version = (version or "").strip()
    if not version or len(version) > VERSION_MAX:
        problems.append(Problem(N_("Give the version a name of up to %(most)s letters."), {"most": VERSION_MAX}))
    elif model_named(session, version) is not None:
        problems.append(Problem(N_("There is already a version named \"%(version)s\"."), {"version": version}))
    if notes and len(notes) > NOTES_MAX:
        problems.append(Problem(N_("The notes may be up to %(most)s letters."), {"most": NOTES_MAX}))
    try:
        read_model(definition)
    except ModelInvalid as invalid:
        problems.extend(invalid.problems)
    if problems:
        raise ModelInvalid(problems)
    row = ScoringModel(version=version, effective_from=effective_from, notes=(notes or "").strip() or None,
                       illustrative=illustrative, indicators=definition["indicators"], bands=definition["bands"],
                       active=False, created_by=actor.id if actor else None, created_at=ctx.now())
    session.add(row)
    session.flush()
    audit.record(session, ctx, "scoring.model_create", actor_id=actor.id if actor else None, outcome=version[:20],
                 detail={"model_id": row.id})
    return row


class NotYetEffective(ValueError):
    pass


def activate_model(session: Session, ctx: ServiceContext, row: ScoringModel, *, actor: User | None = None) -> None:
    """Make `row` the version that scores households from now on (the others stay, inactive). Refused before its
    effective date. Existing scores are not touched: a re-score (job) brings them to this version."""
    if row.effective_from > ctx.now().date():
        raise NotYetEffective(row.effective_from)
    session.execute(update(ScoringModel).where(ScoringModel.id != row.id, ScoringModel.active.is_(True))
                    .values(active=False).execution_options(synchronize_session="fetch"))
    row.active = True
    row.activated_at = ctx.now()
    session.flush()
    audit.record(session, ctx, "scoring.model_activate", actor_id=actor.id if actor else None,
                 outcome=row.version[:20], detail={"model_id": row.id})


def ensure_illustrative_model(session: Session, ctx: ServiceContext) -> bool:
    """The seed's illustrative model, active when no other version is: True when it was added now."""
    if model_named(session, ILLUSTRATIVE_VERSION) is not None:
        return False
    row = create_model(session, ctx, version=ILLUSTRATIVE_VERSION, effective_from=date(2026, 1, 1),
                       definition=ILLUSTRATIVE_DEFINITION, notes=ILLUSTRATIVE_NOTES, illustrative=True)
    if active_model(session) is None:
        activate_model(session, ctx, row)
    return True


# --- one household --------------------------------------------------------------------------------------


def household_values(household: Household) -> dict:
    return {column: getattr(household, column) for column in VALUE_COLUMNS}


def score_household(session: Session, ctx: ServiceContext, household: Household, *, reason: str = "verified",
                    model: ScoringModel | None = None) -> HouseholdScore | None:
    """Score the household under the active model (or `model`): a history row, the household's current score
    columns, and the score distribution's counts, all in the caller's transaction. None when no model exists.
    Call it right after the move to verified (review.approve)."""
    row = model or active_model(session)
    if row is None:
        return None
    if household.facts_on is None:  # facts are counted at submit; a household that skipped it counts them now
        from .household_facts import refresh

        refresh(session, household, ctx.now().date())
    values = household_values(household)
    evaluation = evaluate(model_of(row), values)
    now = ctx.now()
    before = (household.score_model_id, household.score_band) if household.score is not None else None
    history = HouseholdScore(household_id=household.id, model_id=row.id, score=evaluation.score,
                             band=evaluation.band.key, points=list(evaluation.points),
                             values={k: _plain(v) for k, v in values.items()}, reason=reason[:20], scored_at=now)
    session.add(history)
    household.score, household.score_band = evaluation.score, evaluation.band.key
    household.score_model_id, household.scored_at = row.id, now
    session.flush()
    district = household.district_id or NONE_KEY
    deltas = Counter({(district, row.id, evaluation.band.key): 1})
    if before is not None:
        deltas[(district, before[0] or NONE_KEY, before[1] or "")] -= 1
    apply_score_deltas(session, deltas)
    return history


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool, list)) else str(value)


def apply_score_deltas(session: Session, deltas: Counter) -> None:
    """Add +n/-n to the score distribution, in key order (two writers lock the same rows in the same order)."""
    rows = [{"district_key": d, "model_id": m, "band": b, "households": n}
            for (d, m, b), n in sorted(deltas.items()) if n]
    if not rows:
        return
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(ScoreCount).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["district_key", "model_id", "band"],
        set_={"households": ScoreCount.households + statement.excluded.households})
    session.execute(statement)


@dataclass(frozen=True)
class ScoreExplained:
    model: ScoringModel
    evaluation: Evaluation
    history: HouseholdScore | None
    answers_changed: bool  # the household's answers no longer give the score it was given


def latest_score(session: Session, household_id: int) -> HouseholdScore | None:
    return session.scalar(select(HouseholdScore).where(HouseholdScore.household_id == household_id)
                          .order_by(HouseholdScore.scored_at.desc(), HouseholdScore.id.desc()).limit(1))


def score_history(session: Session, household_id: int) -> list[tuple[HouseholdScore, ScoringModel]]:
    """Every score the household was given, newest first, with the version that gave it."""
    return list(session.execute(
        select(HouseholdScore, ScoringModel).join(ScoringModel, ScoringModel.id == HouseholdScore.model_id)
        .where(HouseholdScore.household_id == household_id)
        .order_by(HouseholdScore.scored_at.desc(), HouseholdScore.id.desc())).tuples())


def explain_household(session: Session, household: Household) -> ScoreExplained | None:
    """The household's current score, indicator by indicator, under the version that gave it. The points come
    from the history row when it kept them; a set-based re-score did not, and the household's verified answers
    rebuild them."""
    if household.score is None or household.score_model_id is None:
        return None
    row = session.get(ScoringModel, household.score_model_id)
    if row is None:
        return None
    model = model_of(row)
    history = latest_score(session, household.id)
    if history is not None and history.model_id == row.id and history.points and history.values is not None:
        evaluation = explain(model, history.points, history.values)
        changed = evaluate(model, household_values(household)).points != evaluation.points
    else:
        evaluation = evaluate(model, household_values(household))
        changed = abs(evaluation.score - float(household.score)) > 0.001
    return ScoreExplained(row, evaluation, history, changed)


# --- every verified household ---------------------------------------------------------------------------


def verified_id_range(session: Session) -> tuple[int, int, int]:
    """(first id, last id, how many) of the verified households."""
    low, high, count = session.execute(
        select(func.min(Household.id), func.max(Household.id), func.count())
        .where(Household.status == HouseholdStatus.VERIFIED)).one()
    return int(low or 0), int(high or 0), int(count or 0)


def rescore_range(session: Session, row: ScoringModel, first_id: int, end_id: int, started: datetime) -> int:
    """Score the verified households with first_id <= id < end_id under `row`, set-based: one UPDATE of their
    current columns (scored_at = `started`, the run's mark), one INSERT … SELECT of their history rows. Those
    already scored by this version since `started` (by this run, or on verification meanwhile) are left alone,
    so a resumed run never scores a household twice. Returns the households scored."""
    compiled = compile_model(model_of(row))
    h = Household.__table__
    in_range = and_(h.c.id >= first_id, h.c.id < end_id, h.c.status == HouseholdStatus.VERIFIED)
    fresh = not_(and_(h.c.score_model_id == row.id, h.c.scored_at >= started).is_(True))
    # The score is computed once per row in a subquery (OFFSET keeps PostgreSQL from folding it into the
    # UPDATE, which would repeat the sum for every band it is compared with).
    scores = (select(h.c.id.label("id"), compiled.hundredths(h).label("h")).where(in_range, fresh)
              .offset(0).subquery("scored"))
    hundredths = scores.c.h
    updated = session.execute(
        update(h).where(h.c.id == scores.c.id)
        # updated_at stays: a score is not a change of the household (and the lists' indexes hold updated_at).
        .values(score=compiled.score(hundredths), score_band=compiled.band(hundredths), score_model_id=row.id,
                scored_at=started, updated_at=h.c.updated_at)
        .execution_options(synchronize_session=False)).rowcount
    if updated:
        session.execute(insert(HouseholdScore.__table__).from_select(
            ["household_id", "model_id", "score", "band", "reason", "scored_at"],
            select(h.c.id, literal(row.id, Integer), h.c.score, h.c.score_band, literal("rescore"), h.c.scored_at)
            .where(h.c.id >= first_id, h.c.id < end_id, h.c.score_model_id == row.id, h.c.scored_at == started)))
    return int(updated or 0)


def rebuild_score_counts(session: Session) -> None:
    """Count the score distribution again from the households' current scores, set-based."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Writers wait for the recount, then add their own change on top (see summaries.rebuild_summaries).
        session.execute(text("LOCK TABLE score_counts IN EXCLUSIVE MODE"))
    session.execute(delete(ScoreCount))
    h = Household.__table__
    keys = (func.coalesce(h.c.district_id, NONE_KEY), func.coalesce(h.c.score_model_id, NONE_KEY),
            func.coalesce(h.c.score_band, ""))
    session.execute(insert(ScoreCount.__table__).from_select(
        ["district_key", "model_id", "band", "households"],
        select(*keys, func.count()).where(h.c.score.is_not(None)).group_by(*keys)))


# --- reading the distribution -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BandCount:
    key: str
    label_en: str
    label_ur: str
    households: int

    def label(self, language: str) -> str:
        return self.label_ur if language == "ur" else self.label_en


@dataclass(frozen=True)
class ScoreDistribution:
    model: ScoringModel | None  # the active version, whose bands are counted
    bands: list[BandCount]
    other_versions: int  # households whose current score is still from another version

    @property
    def total(self) -> int:
        return sum(b.households for b in self.bands)

    def rows(self, language: str) -> list[tuple[str, int]]:
        """(band name, households), poorest first: what the bar chart draws."""
        return [(b.label(language), b.households) for b in self.bands]


def score_distribution(session: Session, area: Area | int | None = None) -> ScoreDistribution:
    """Households per band of the active version, in Punjab or in one district (an Area or its id), read from
    the summary table: a few rows whatever the registry's size."""
    row = active_model(session)
    query = select(ScoreCount.model_id, ScoreCount.band, func.sum(ScoreCount.households)).group_by(
        ScoreCount.model_id, ScoreCount.band)
    if area is not None:
        query = query.where(ScoreCount.district_key == (area if isinstance(area, int) else area.id))
    counts = {(m, b): int(n or 0) for m, b, n in session.execute(query)}
    if row is None:
        return ScoreDistribution(None, [], sum(counts.values()))
    bands = [BandCount(b.key, b.label_en, b.label_ur, counts.get((row.id, b.key), 0)) for b in model_of(row).bands]
    others = sum(n for (m, _), n in counts.items() if m != row.id)
    return ScoreDistribution(row, bands, others)


def households_by_model(session: Session) -> dict[int, int]:
    """How many households each version scored last (their current score), from the summary table."""
    return {int(m): int(n or 0) for m, n in session.execute(
        select(ScoreCount.model_id, func.sum(ScoreCount.households)).group_by(ScoreCount.model_id))}
