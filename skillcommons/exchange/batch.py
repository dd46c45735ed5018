"""Optimal batch assignment of mentees to mentors (cohort programs).

Pure and ORM-free. The candidate graph is each mentee's best ``K`` mentors from
:func:`.scoring.rank` (the same order as :func:`.scoring.top_k`). The assignment that maximises
the total score minus a load-spreading cost, under every mentor's free capacity and optional
per-region quotas, is a minimum-cost flow, solved exactly by OR-Tools ``SimpleMinCostFlow``:

* every mentee node has a supply of one unit;
* mentee → mentor, capacity 1, cost ``U − round(score × scale)`` for each candidate;
* mentee → sink, capacity 1, cost ``U`` ("unassigned"; ``U`` exceeds every scaled score, so all
  costs are non-negative and a flow always exists);
* mentor → sink (or → the mentor's region node), one arc of capacity 1 per free place; the t-th
  new place costs ``round(spread × scale × (load + t) / capacity)``, rising with t, so the cost of
  a mentor's load is convex and the flow fills places in order: this spreads mentees over mentors;
* region node → sink with capacity = the quota (the most mentees that mentors of that region
  take in this batch) when ``mentor_region_quota`` names the region.

Every unit of supply leaves its mentee by exactly one arc, so minimising the cost maximises
``Σ round(score × scale) − Σ spreading costs``: :attr:`BatchResult.integer_objective`. The
decision record ``docs/decisions/0007-matching-core.md`` explains the choices.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from ortools.graph.python import min_cost_flow

from .scoring import (
    FloatArray,
    IntArray,
    Match,
    MentorTable,
    Query,
    Reason,
    Weights,
    explain_row,
    rank_many,
)


@dataclass(frozen=True)
class BatchOptions:
    """``candidates``: K, how many of each mentee's best mentors enter the graph. ``spread``:
    points charged for each place already taken of a mentor's capacity when adding one more (0
    turns load spreading off). ``scale``: score points → integer cost units. ``mentor_region_quota``:
    region → the most mentees that mentors of that region may take in this batch."""

    candidates: int = 10
    spread: float = 2.0
    scale: int = 1000
    mentor_region_quota: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.candidates <= 100:
            raise ValueError("The number of candidates per mentee is from 1 to 100.")
        if not 0 <= self.spread <= 1000:
            raise ValueError("The spreading cost is from 0 to 1000 points.")
        if not 1 <= self.scale <= 1_000_000:
            raise ValueError("The scale is from 1 to 1,000,000.")
        if any(q < 0 for q in self.mentor_region_quota.values()):
            raise ValueError("A region quota cannot be negative.")


@dataclass(frozen=True)
class Missed:
    """A mentor the mentee ranked higher than the one they got, and why they did not get them."""

    mentor_id: int
    rank: int
    kind: str  # "full", "quota" or "elsewhere"
    reason: Reason


@dataclass(frozen=True)
class Assignment:
    mentee: int  # index into the mentee list
    mentee_id: int
    mentor_id: int
    mentor_row: int
    score: float
    rank: int  # 1 = the mentee's best candidate
    missed: tuple[Missed, ...]


@dataclass(frozen=True)
class Unassigned:
    mentee: int
    mentee_id: int
    reason: Reason
    missed: tuple[Missed, ...]


@dataclass
class CandidateGraph:
    """Each mentee's candidates as flat arrays (mentee index, mentor row, score, 1-based rank)."""

    mentee: IntArray
    row: IntArray
    score: FloatArray
    rank: IntArray
    scaled: IntArray

    def of(self, mentee: int) -> range:
        start, stop = np.searchsorted(self.mentee, [mentee, mentee + 1])
        return range(int(start), int(stop))


def seat_costs(table: MentorTable, row: int, seats: int, options: BatchOptions) -> list[int]:
    """The cost of each next place of mentor ``row`` (non-decreasing: convex total)."""
    capacity = max(int(table.capacity[row]), 1)
    load = int(table.load[row])
    return [round(options.scale * options.spread * (load + t) / capacity) for t in range(seats)]


@dataclass
class BatchResult:
    assignments: list[Assignment]
    unassigned: list[Unassigned]
    mentor_of: IntArray  # per mentee: the assigned mentor row, or -1
    assigned_per_row: IntArray  # per mentor row: mentees assigned in this batch
    objective: float  # total score of the assigned pairs
    spread_cost: float  # load-spreading cost paid, in points
    integer_objective: int  # Σ scaled scores − Σ seat costs: what the flow maximises
    graph: CandidateGraph
    candidate_seconds: float
    solver_seconds: float
    table: MentorTable
    queries: Sequence[Query]
    weights: Weights

    def explain(self, assignment: Assignment) -> Match:
        """The full explanation of one pair, computed when shown (pages show a page at a time)."""
        match = explain_row(
            self.table, self.queries[assignment.mentee], assignment.mentor_row, self.weights
        )
        if match is None:  # the table changed since the batch ran
            raise ValueError("This mentor no longer fits this mentee.")
        return match


def candidate_graph(
    table: MentorTable, queries: Sequence[Query], k: int, weights: Weights, scale: int
) -> CandidateGraph:
    """Each mentee's best ``k`` mentors, exactly as :func:`.scoring.rank` orders them."""
    mentee, row, score, ranks = rank_many(table, queries, k, weights)
    return CandidateGraph(
        mentee=mentee,
        row=row.astype(np.int64),
        score=score,
        rank=ranks,
        scaled=np.rint(score * scale).astype(np.int64),
    )


def _check_ids(table: MentorTable, queries: Sequence[Query], mentee_ids: Sequence[int]) -> None:
    if len(mentee_ids) != len(queries):
        raise ValueError("Give one mentee id per query.")
    if len(set(mentee_ids)) != len(mentee_ids):
        raise ValueError("Mentee ids must be unique.")


def assign(
    table: MentorTable,
    queries: Sequence[Query],
    mentee_ids: Sequence[int],
    options: BatchOptions | None = None,
    weights: Weights | None = None,
) -> BatchResult:
    """The optimal assignment (see the module docstring)."""
    options = options or BatchOptions()
    weights = weights or Weights()
    _check_ids(table, queries, mentee_ids)
    started = time.perf_counter()
    graph = candidate_graph(table, queries, options.candidates, weights, options.scale)
    candidate_seconds = time.perf_counter() - started

    started = time.perf_counter()
    n_mentees = len(queries)
    used_rows, arc_mentor = np.unique(graph.row, return_inverse=True)
    n_mentors = len(used_rows)
    regions = sorted(options.mentor_region_quota)
    source_free = table.capacity[used_rows].astype(np.int64) - table.load[used_rows]
    indegree = np.bincount(arc_mentor, minlength=n_mentors)
    seats = np.minimum(np.maximum(source_free, 0), indegree)

    sink = 0
    mentee_node = 1 + np.arange(n_mentees, dtype=np.int64)
    mentor_node = 1 + n_mentees + np.arange(n_mentors, dtype=np.int64)
    region_node = {r: 1 + n_mentees + n_mentors + i for i, r in enumerate(regions)}

    big = int(graph.scaled.max()) + 1 if len(graph.scaled) else 1
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails: list[IntArray] = []
    heads: list[IntArray] = []
    caps: list[IntArray] = []
    costs: list[IntArray] = []
    # mentee → mentor candidates
    tails.append(mentee_node[graph.mentee])
    heads.append(mentor_node[arc_mentor])
    caps.append(np.ones(len(graph.row), dtype=np.int64))
    costs.append(big - graph.scaled)
    n_candidate_arcs = len(graph.row)
    # mentee → sink: unassigned
    tails.append(mentee_node)
    heads.append(np.full(n_mentees, sink, dtype=np.int64))
    caps.append(np.ones(n_mentees, dtype=np.int64))
    costs.append(np.full(n_mentees, big, dtype=np.int64))
    # mentor → sink or region node: one arc per free place, convex costs
    seat_mentor = np.repeat(np.arange(n_mentors), seats)
    first = np.repeat(np.cumsum(seats) - seats, seats)
    t = np.arange(len(seat_mentor)) - first
    row_of_seat = used_rows[seat_mentor]
    capacity = np.maximum(table.capacity[row_of_seat], 1).astype(np.float64)
    load = table.load[row_of_seat].astype(np.float64)
    seat_cost = np.rint(options.scale * options.spread * (load + t) / capacity).astype(np.int64)
    # Same rounding as seat_costs(): Python's round() is round-half-even, like np.rint.
    mentor_region = table.region[row_of_seat]
    seat_head = np.full(len(seat_mentor), sink, dtype=np.int64)
    for r, node in region_node.items():
        seat_head[mentor_region == r] = node
    tails.append(mentor_node[seat_mentor])
    heads.append(seat_head)
    caps.append(np.ones(len(seat_mentor), dtype=np.int64))
    costs.append(seat_cost)
    # region node → sink: the quota
    for r, node in region_node.items():
        tails.append(np.array([node], dtype=np.int64))
        heads.append(np.array([sink], dtype=np.int64))
        caps.append(np.array([options.mentor_region_quota[r]], dtype=np.int64))
        costs.append(np.zeros(1, dtype=np.int64))
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    supplies = np.zeros(1 + n_mentees + n_mentors + len(regions), dtype=np.int64)
    supplies[mentee_node] = 1
    supplies[sink] = -n_mentees
    smcf.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"The min-cost flow solver did not find the optimum ({status}).")
    flows = smcf.flows(np.arange(n_candidate_arcs))
    solver_seconds = time.perf_counter() - started

    chosen = np.flatnonzero(flows > 0)
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    mentor_of[graph.mentee[chosen]] = graph.row[chosen]
    assigned_per_row = np.bincount(graph.row[chosen], minlength=len(table)).astype(np.int64)
    spread_total = int(_spread_paid(table, assigned_per_row, options))
    integer_objective = int(graph.scaled[chosen].sum()) - spread_total
    if n_mentees * big - int(smcf.optimal_cost()) != integer_objective:
        raise RuntimeError("The flow and its objective disagree.")
    assignments, unassigned = _report(
        table, graph, chosen, mentor_of, assigned_per_row, mentee_ids, options
    )
    return BatchResult(
        assignments=assignments,
        unassigned=unassigned,
        mentor_of=mentor_of,
        assigned_per_row=assigned_per_row,
        objective=float(graph.score[chosen].sum()),
        spread_cost=spread_total / options.scale,
        integer_objective=integer_objective,
        graph=graph,
        candidate_seconds=candidate_seconds,
        solver_seconds=solver_seconds,
        table=table,
        queries=queries,
        weights=weights,
    )


def _spread_paid(table: MentorTable, assigned_per_row: IntArray, options: BatchOptions) -> int:
    total = 0
    for row in np.flatnonzero(assigned_per_row):
        total += sum(seat_costs(table, int(row), int(assigned_per_row[row]), options))
    return total


def _region_used(table: MentorTable, assigned_per_row: IntArray) -> dict[int, int]:
    used = np.bincount(
        table.region[assigned_per_row > 0] + 1,
        weights=assigned_per_row[assigned_per_row > 0],
        minlength=table.n_regions + 1,
    )
    return {r: int(used[r + 1]) for r in range(table.n_regions)}


def _why_missed(
    table: MentorTable,
    row: int,
    assigned_per_row: IntArray,
    region_used: Mapping[int, int],
    options: BatchOptions,
) -> tuple[str, Reason]:
    capacity = int(table.capacity[row])
    used = int(table.load[row] + assigned_per_row[row])
    if used >= capacity:
        return "full", Reason(
            _("Full: %(used)s/%(capacity)s places taken."), {"used": used, "capacity": capacity}
        )
    region = int(table.region[row])
    quota = options.mentor_region_quota.get(region)
    if quota is not None and region_used.get(region, 0) >= quota:
        return "quota", Reason(
            _("The quota for mentors in that region is reached: %(used)s/%(quota)s."),
            {"used": region_used.get(region, 0), "quota": quota},
        )
    return "elsewhere", Reason(
        _(
            "Had a free place, but the best overall assignment spreads mentees over more "
            "mentors or matches more people."
        )
    )


def _report(
    table: MentorTable,
    graph: CandidateGraph,
    chosen: IntArray,
    mentor_of: IntArray,
    assigned_per_row: IntArray,
    mentee_ids: Sequence[int],
    options: BatchOptions,
) -> tuple[list[Assignment], list[Unassigned]]:
    region_used = _region_used(table, assigned_per_row)
    got_rank = np.zeros(len(mentee_ids), dtype=np.int64)
    got_rank[graph.mentee[chosen]] = graph.rank[chosen]
    starts = np.searchsorted(graph.mentee, np.arange(len(mentee_ids) + 1))
    assignments: list[Assignment] = []
    unassigned: list[Unassigned] = []
    ids = table.ids
    for i, mentee_id in enumerate(mentee_ids):
        start, stop = int(starts[i]), int(starts[i + 1])
        stop_missed = start + int(got_rank[i]) - 1 if got_rank[i] else stop
        missed = tuple(
            Missed(int(ids[graph.row[a]]), int(graph.rank[a]), *why)
            for a in range(start, stop_missed)
            for why in [
                _why_missed(table, int(graph.row[a]), assigned_per_row, region_used, options)
            ]
        )
        if got_rank[i]:
            a = start + int(got_rank[i]) - 1
            assignments.append(
                Assignment(
                    mentee=i,
                    mentee_id=int(mentee_id),
                    mentor_id=int(ids[mentor_of[i]]),
                    mentor_row=int(mentor_of[i]),
                    score=float(graph.score[a]),
                    rank=int(got_rank[i]),
                    missed=missed,
                )
            )
            continue
        if start == stop:
            reason = Reason(
                _("No mentor with a free place offers a related skill in a language you share.")
            )
        elif all(m.kind == "full" for m in missed):
            reason = Reason(
                ngettext_lazy(
                    "Your only suitable mentor is full.",
                    "All %(count)s suitable mentors are full.",
                    "count",
                ),
                {"count": stop - start},
            )
        elif all(m.kind in {"full", "quota"} for m in missed):
            reason = Reason(_("Your suitable mentors are full or their region's quota is reached."))
        else:
            reason = Reason(
                _(
                    "A suitable mentor had a free place, but matching you would have cost the "
                    "program more in load spreading than the match was worth."
                )
            )
        unassigned.append(Unassigned(i, int(mentee_id), reason, missed))
    return assignments, unassigned


def greedy(
    table: MentorTable,
    graph: CandidateGraph,
    options: BatchOptions | None = None,
) -> IntArray:
    """The baseline: take candidate pairs best score first (ties: lower load, lower mentor id,
    lower mentee) while the mentor has a free place and its region quota allows. Returns the
    mentor row per mentee (-1 unassigned)."""
    options = options or BatchOptions()
    n_mentees = int(graph.mentee.max()) + 1 if len(graph.mentee) else 0
    order = np.lexsort((graph.mentee, table.ids[graph.row], table.load[graph.row], -graph.score))
    free = (table.capacity.astype(np.int64) - table.load).tolist()
    quota = dict(options.mentor_region_quota)
    region = table.region.tolist()
    mentor_of = [-1] * n_mentees
    mentees = graph.mentee.tolist()
    rows = graph.row.tolist()
    for a in order.tolist():
        i, row = mentees[a], rows[a]
        if mentor_of[i] >= 0 or free[row] <= 0:
            continue
        r = region[row]
        if r in quota:
            if quota[r] <= 0:
                continue
            quota[r] -= 1
        free[row] -= 1
        mentor_of[i] = row
    return np.array(mentor_of, dtype=np.int64)


def pair_scores(graph: CandidateGraph, mentor_of: IntArray) -> FloatArray:
    """The score of each mentee's assigned pair (0 when unassigned)."""
    lookup = {
        (int(m), int(r)): float(s)
        for m, r, s in zip(graph.mentee, graph.row, graph.score, strict=True)
    }
    return np.array(
        [lookup[(i, int(r))] if r >= 0 else 0.0 for i, r in enumerate(mentor_of)], dtype=np.float64
    )


def gini(values: Sequence[float] | FloatArray | IntArray) -> float:
    """Gini coefficient of non-negative values (0 = perfectly even)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    cumulative = np.cumsum(x)
    return float((n + 1 - 2 * (cumulative.sum() / cumulative[-1])) / n)
