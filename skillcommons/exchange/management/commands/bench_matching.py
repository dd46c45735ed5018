"""``manage.py bench_matching --json``: the matching benchmark of issue 4.

Builds seeded synthetic people in memory (no database), then measures

* top-k over ``--mentors`` mentor profiles (default 100,000): the scoring core's latency per query
  (``top_k`` with explanations, k = 10) and whether it returns the same people and scores as the
  plain-Python reference scorer over *all* profiles, checked on every timed query (or on the first
  ``--bruteforce-queries``; the JSON says how many);
* the batch matcher, ``--mentees`` × ``--batch-mentors`` (default 50,000 × 10,000, capacities
  1–10): end-to-end seconds, solver seconds, objective beside the greedy baseline, capacity
  violations, how many mentors got mentees and how evenly (Gini).

Prints one JSON object. Nothing is written anywhere.
"""

from __future__ import annotations

import json
import resource
import time
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from skillcommons.exchange import bench_api, reference
from skillcommons.exchange.batch import BatchOptions, assign, gini, greedy, pair_scores
from skillcommons.exchange.conf import matching_weights
from skillcommons.exchange.scoring import top_k
from skillcommons.exchange.synthetic import synthetic_mentors, synthetic_queries, synthetic_tree

LIMITS = {
    "mentors": 1_000_000,
    "queries": 100_000,
    "bruteforce_queries": 100_000,
    "mentees": 1_000_000,
    "batch_mentors": 1_000_000,
}
K = 10


class Command(BaseCommand):
    help = "Benchmark the matching core and the batch matcher on seeded synthetic data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one compact JSON object.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--mentors", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=300)
        parser.add_argument(
            "--bruteforce-queries",
            type=int,
            default=None,
            help="Check only the first N queries against the reference (default: all).",
        )
        parser.add_argument("--mentees", type=int, default=50_000)
        parser.add_argument("--batch-mentors", type=int, default=10_000)
        parser.add_argument("--candidates", type=int, default=10)
        parser.add_argument(
            "--api-queries",
            type=int,
            default=200,
            help="Top-k requests through the API (0 skips api_p95_ms).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, limit in LIMITS.items():
            value = options[name]
            if value is not None and not 1 <= value <= limit:
                raise CommandError(
                    _("--%(option)s must be a whole number from 1 to %(limit)s.")
                    % {"option": name.replace("_", "-"), "limit": limit}
                )
        if not 0 <= options["api_queries"] <= 10_000:
            raise CommandError(_("--api-queries must be a whole number from 0 to 10000."))
        if not 1 <= options["candidates"] <= 100:
            raise CommandError(_("--candidates must be a whole number from 1 to 100."))
        result: dict[str, Any] = {}
        result.update(self._topk(options))
        result.update(self._api(options))
        result.update(self._batch(options))
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        result["notes"] = [
            "api_p95_ms: GET /api/v1/exchange/suggestions?skill=…&k=10 through the test client "
            "over the same mentor table, inside a transaction rolled back at the end "
            "(null with --api-queries 0).",
            f"Synthetic data from skillcommons/exchange/synthetic.py, seed {options['seed']}.",
            "Timings are wall-clock on this machine and vary with other load on it.",
        ]
        if options["json"]:
            self.stdout.write(json.dumps(result, sort_keys=True))
        else:
            self.stdout.write(json.dumps(result, sort_keys=True, indent=2))

    def _topk(self, options: dict[str, Any]) -> dict[str, Any]:
        rng = np.random.default_rng(options["seed"])
        tree = synthetic_tree()
        started = time.perf_counter()
        table = synthetic_mentors(rng, tree, options["mentors"])
        table.prepare()
        build_seconds = time.perf_counter() - started
        queries = synthetic_queries(rng, tree, options["queries"])
        self._table, self._queries = table, queries
        weights = matching_weights()
        timings = []
        results = []
        for query in queries:
            started = time.perf_counter()
            found = top_k(table, query, K, weights)
            timings.append(time.perf_counter() - started)
            results.append(found)
        checked = options["bruteforce_queries"] or len(queries)
        checked = min(checked, len(queries))
        records = [table.record(row) for row in range(len(table))]
        parents = table.tree.parent.tolist()
        boost = table.region_boost.tolist()
        equal = True
        started = time.perf_counter()
        for query, fast in zip(queries[:checked], results[:checked], strict=True):
            slow = reference.top_k(records, parents, query, K, weights, region_boost=boost)
            same_ids = [m.id for m in fast] == [m.id for m in slow]
            same_scores = all(
                abs(a.score - b.score) <= 1e-9 for a, b in zip(fast, slow, strict=False)
            )
            equal = equal and same_ids and same_scores
        bruteforce_seconds = time.perf_counter() - started
        ms = np.array(timings) * 1000
        return {
            "topk_mentors": len(table),
            "topk_k": K,
            "topk_queries": len(queries),
            "topk_table_build_seconds": round(build_seconds, 3),
            "topk_p50_ms": round(float(np.percentile(ms, 50)), 3),
            "topk_p95_ms": round(float(np.percentile(ms, 95)), 3),
            "topk_max_ms": round(float(ms.max()), 3),
            "topk_equals_bruteforce": equal,
            "bruteforce_queries": checked,
            "bruteforce_seconds_per_query": round(bruteforce_seconds / max(checked, 1), 3),
        }

    def _api(self, options: dict[str, Any]) -> dict[str, Any]:
        n = options["api_queries"]
        if not n:
            return {"api_queries": 0, "api_p50_ms": None, "api_p95_ms": None}
        rng = np.random.default_rng(options["seed"] + 2)
        queries = synthetic_queries(rng, self._table.tree, n)
        return bench_api.measure(self._table, queries, K)

    def _batch(self, options: dict[str, Any]) -> dict[str, Any]:
        rng = np.random.default_rng(options["seed"] + 1)
        tree = synthetic_tree()
        table = synthetic_mentors(rng, tree, options["batch_mentors"], with_load=False)
        queries = synthetic_queries(rng, tree, options["mentees"])
        mentee_ids = list(range(1, len(queries) + 1))
        batch_options = BatchOptions(candidates=options["candidates"])
        started = time.perf_counter()
        table.prepare()
        result = assign(table, queries, mentee_ids, batch_options, matching_weights())
        batch_seconds = time.perf_counter() - started
        started = time.perf_counter()
        baseline = greedy(table, result.graph, batch_options)
        greedy_seconds = time.perf_counter() - started
        free = table.capacity.astype(np.int64) - table.load
        greedy_counts = np.bincount(baseline[baseline >= 0], minlength=len(table))
        n = len(table)
        return {
            "batch_mentees": len(queries),
            "batch_mentors": n,
            "batch_candidates_per_mentee": batch_options.candidates,
            "batch_candidate_arcs": len(result.graph.row),
            "batch_seconds": round(batch_seconds, 3),
            "candidate_seconds": round(result.candidate_seconds, 3),
            "solver_seconds": round(result.solver_seconds, 3),
            "greedy_seconds": round(greedy_seconds, 3),
            "capacity_violations": int((result.assigned_per_row > free).sum()),
            "greedy_capacity_violations": int((greedy_counts > free).sum()),
            "objective": round(result.objective, 3),
            "objective_spread_cost": round(result.spread_cost, 3),
            "objective_integer": result.integer_objective,
            "objective_is_flow_optimum": True,  # assign() raises if the flow and objective differ
            "greedy_objective": round(float(pair_scores(result.graph, baseline).sum()), 3),
            "assigned": len(result.assignments),
            "greedy_assigned": int((baseline >= 0).sum()),
            "unassigned_without_candidates": sum(1 for u in result.unassigned if not u.missed),
            "first_choice_pct": round(
                100.0 * sum(1 for a in result.assignments if a.rank == 1) / max(len(queries), 1),
                2,
            ),
            "mentors_used_pct": round(100.0 * float((result.assigned_per_row > 0).sum()) / n, 2),
            "greedy_mentors_used_pct": round(100.0 * float((greedy_counts > 0).sum()) / n, 2),
            "load_gini": round(gini(result.assigned_per_row), 4),
            "greedy_load_gini": round(gini(greedy_counts), 4),
        }
