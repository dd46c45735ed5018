"""The preview of a cohort program's matching, built on :mod:`.batch`.

Pure and ORM-free. Given the program's mentors (as :class:`.scoring.MentorRecord`, capacity = the
places they give this program) and mentees (one :class:`.scoring.Query` each, plus the mentors
they asked for by name), :func:`build_preview` runs the optimal batch assignment and explains it:

* each pair with the full score explanation (built on demand by :meth:`Preview.explain`);
* the rank of the mentor a mentee got in the mentee's own list (best score first);
* why each higher-ranked mentor was missed ("Full: 3/3 places taken.", region quota, or "the
  best overall assignment placed you elsewhere");
* why each mentor the mentee *asked for* was not given: not a mentor of the program, no related
  skill, no shared usable language, no places at all, not among their best K, or one of the
  reasons above;
* the unassigned with reasons, and totals: assigned, total score beside a greedy baseline, the
  spreading cost paid and the load of every mentor (with its Gini coefficient).

Preferences do not change the optimisation (the total score decides, see decision 0012); they are
explained so a mentee and the organizer see why a requested mentor was or was not possible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

from .batch import (
    Assignment,
    BatchOptions,
    BatchResult,
    Missed,
    assign,
    gini,
    greedy,
    pair_scores,
)
from .scoring import (
    UNRELATED,
    USABLE_PROFICIENCY,
    Match,
    MentorRecord,
    MentorTable,
    Query,
    Reason,
    SkillTree,
    Weights,
)


@dataclass(frozen=True)
class CohortMentee:
    id: int
    query: Query
    preferred: tuple[int, ...] = ()  # mentor ids, in the mentee's order


@dataclass(frozen=True)
class PreferenceNote:
    """A mentor the mentee asked for and did not get, and why."""

    mentor_id: int
    kind: str  # "not_mentor", "no_skill", "no_language", "no_places", "not_in_best", or Missed.kind
    reason: Reason


@dataclass(frozen=True)
class PreviewPair:
    mentee_id: int
    mentor_id: int
    score: float
    rank: int
    candidates: int  # how many candidates the mentee had
    preferred: bool  # the mentee asked for this mentor
    assignment: Assignment  # the batch's record of this pair (see Preview.explain)
    missed: tuple[Missed, ...]
    preferences: tuple[PreferenceNote, ...]


@dataclass(frozen=True)
class PreviewUnassigned:
    mentee_id: int
    reason: Reason
    missed: tuple[Missed, ...]
    preferences: tuple[PreferenceNote, ...]


@dataclass(frozen=True)
class MentorLoad:
    mentor_id: int
    assigned: int
    capacity: int


@dataclass(frozen=True)
class Preview:
    pairs: tuple[PreviewPair, ...]
    unassigned: tuple[PreviewUnassigned, ...]
    loads: tuple[MentorLoad, ...]
    objective: float
    spread_cost: float
    greedy_objective: float
    greedy_assigned: int
    load_gini: float
    first_choice: int  # pairs where the mentee got their best candidate
    result: BatchResult

    @property
    def assigned(self) -> int:
        return len(self.pairs)

    @property
    def mentors_used(self) -> int:
        return sum(1 for load in self.loads if load.assigned)

    def explain(self, pair: PreviewPair) -> Match:
        """The full score explanation of one pair. Built when shown (a page shows a page of
        pairs), because building every sentence for thousands of pairs costs seconds."""
        return self.result.explain(pair.assignment)

    def assignment(self) -> list[tuple[int, int]]:
        """(mentee id, mentor id) of every pair: what publishing creates."""
        return [(pair.mentee_id, pair.mentor_id) for pair in self.pairs]


def _not_possible(record: MentorRecord, query: Query, tree: SkillTree) -> tuple[str, Reason] | None:
    """Why ``record`` can never be ``query``'s mentor, or None when they could be."""
    offered = np.array([skill for skill, _level in record.skills] or [-1])
    if int(np.max(tree.relation(offered, query.skill))) == UNRELATED:
        return "no_skill", Reason(_("Offers no skill related to the one you asked for."))
    theirs = {lang for lang, p in record.languages if p >= USABLE_PROFICIENCY}
    mine = {lang for lang, p in query.languages if p >= USABLE_PROFICIENCY}
    if not theirs & mine:
        return "no_language", Reason(_("No shared language: you cannot both use one well."))
    if record.capacity - record.load <= 0:
        return "no_places", Reason(_("Has no mentoring places in this program."))
    return None


def build_preview(
    mentors: Sequence[MentorRecord],
    mentees: Sequence[CohortMentee],
    *,
    tree: SkillTree,
    n_languages: int,
    n_regions: int,
    language_codes: Sequence[str] | None = None,
    options: BatchOptions | None = None,
    weights: Weights | None = None,
) -> Preview:
    """Run the batch matcher for a program and explain the result (see the module docstring)."""
    options = options or BatchOptions()
    weights = weights or Weights()
    table = MentorTable.from_records(
        mentors,
        tree=tree,
        n_languages=n_languages,
        n_regions=n_regions,
        language_codes=language_codes,
    )
    mentor_index = {record.id: i for i, record in enumerate(mentors)}
    for mentee in mentees:
        if mentee.id in mentor_index:
            raise ValueError("A person cannot be both a mentor and a mentee of one program.")
    queries = [
        Query(**{**mentee.query.__dict__, "exclude_ids": frozenset({mentee.id})})
        for mentee in mentees
    ]
    result = assign(table, queries, [m.id for m in mentees], options, weights)
    graph = result.graph

    def preference_notes(
        i: int, got: int | None, missed: Sequence[Missed]
    ) -> tuple[PreferenceNote, ...]:
        mentee = mentees[i]
        by_mentor = {m.mentor_id: m for m in missed}
        candidates = {int(table.ids[graph.row[a]]) for a in graph.of(i)}
        notes: list[PreferenceNote] = []
        for mentor_id in dict.fromkeys(mentee.preferred):
            if mentor_id == got:
                continue
            if mentor_id not in mentor_index:
                notes.append(
                    PreferenceNote(
                        mentor_id,
                        "not_mentor",
                        Reason(_("Is not a mentor in this program.")),
                    )
                )
                continue
            impossible = _not_possible(mentors[mentor_index[mentor_id]], queries[i], tree)
            if impossible is not None:
                notes.append(PreferenceNote(mentor_id, *impossible))
            elif mentor_id in by_mentor:
                m = by_mentor[mentor_id]
                notes.append(PreferenceNote(mentor_id, m.kind, m.reason))
            elif mentor_id not in candidates:
                notes.append(
                    PreferenceNote(
                        mentor_id,
                        "not_in_best",
                        Reason(
                            _(
                                "Was not among the %(count)s mentors who fit you best, so "
                                "the matcher did not consider them."
                            ),
                            {"count": options.candidates},
                        ),
                    )
                )
            else:  # a candidate ranked below the mentor the mentee got
                notes.append(
                    PreferenceNote(
                        mentor_id,
                        "lower",
                        Reason(_("Fits you less well than the mentor you got.")),
                    )
                )
        return tuple(notes)

    pairs = []
    for a in result.assignments:
        mentee = mentees[a.mentee]
        pairs.append(
            PreviewPair(
                mentee_id=a.mentee_id,
                mentor_id=a.mentor_id,
                score=a.score,
                rank=a.rank,
                candidates=len(graph.of(a.mentee)),
                preferred=a.mentor_id in mentee.preferred,
                assignment=a,
                missed=a.missed,
                preferences=preference_notes(a.mentee, a.mentor_id, a.missed),
            )
        )
    unassigned = tuple(
        PreviewUnassigned(
            mentee_id=u.mentee_id,
            reason=u.reason,
            missed=u.missed,
            preferences=preference_notes(u.mentee, None, u.missed),
        )
        for u in result.unassigned
    )
    loads = tuple(
        MentorLoad(
            mentor_id=record.id,
            assigned=int(result.assigned_per_row[row]),
            capacity=max(record.capacity - record.load, 0),
        )
        for row, record in enumerate(mentors)
    )
    greedy_rows = greedy(table, graph, options) if len(mentees) else np.zeros(0, dtype=np.int64)
    if len(greedy_rows) < len(mentees):  # mentees after the last one with a candidate
        greedy_rows = np.concatenate(
            [greedy_rows, np.full(len(mentees) - len(greedy_rows), -1, dtype=np.int64)]
        )
    return Preview(
        pairs=tuple(pairs),
        unassigned=unassigned,
        loads=loads,
        objective=result.objective,
        spread_cost=result.spread_cost,
        greedy_objective=float(pair_scores(graph, greedy_rows).sum()),
        greedy_assigned=int((greedy_rows >= 0).sum()),
        load_gini=gini([load.assigned for load in loads]),
        first_choice=sum(1 for pair in pairs if pair.rank == 1),
        result=result,
    )


def region_quotas(quotas: Mapping[str, int], region_index: Mapping[str, int]) -> dict[int, int]:
    """A program's quotas by region code → by dense region index (unknown codes are ignored:
    no mentor of the program is in that region, so the quota cannot bind)."""
    return {region_index[code]: int(n) for code, n in quotas.items() if code in region_index}
