"""Benchmark at national scale: every staff page, the API lists and the public submit, at
several sizes and concurrencies, with queries per request and workers' peak memory.

    .venv/bin/python bench/national.py [--scales 5000,50000] [--concurrency 1,16]
                                       [--requests 200] [--database-url URL]

For each size in --scales (smallest first) the database is topped up to that many cases in
LLR (`generate_synthetic`, Reporting Form requests, analyses of finalised cases), gunicorn is
started afresh (2 sync workers, DEBUG off, on loopback) and every endpoint is measured in
turns at each concurrency, beside the floor (a trivial staff page through the same
middleware), the layout floor (the same with the shared staff layout and no content: the
least a real staff page renders) and the rows floor (the layout and fifty cases from one
statement, written as the case list writes them: the least a list page does). Afterwards
one table per size, a table of how p50 grows from the smallest size to the largest, each
gunicorn worker's peak resident memory (VmHWM), and the queries each request makes (counted
in-process with Django's test client). Figures are printed and kept under bench/results/,
never asserted. Shares its machinery with bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, beside this file

ROOT = bench.ROOT
RESULTS = bench.RESULTS

# Every staff list and page, by path ("<ref>" is replaced by a case reference in turn).
# A path that does not answer 200 when probed is reported as skipped, with its status.
STAFF_PAGES: tuple[tuple[str, str], ...] = (
    ("layout only (no content)", "/staff/floor/layout/"),
    ("layout and fifty rows", "/staff/floor/rows/"),
    ("home (start page)", "/staff/"),
    ("case list", "/staff/cases/"),
    ("case page", "/staff/cases/<ref>/"),
    ("case list, filtered", "/staff/cases/?clock=overdue&status=information_gathering"),
    ("case list, name search", "/staff/cases/?q=<surname>"),
    ("case chronology", "/staff/cases/<ref>/chronology/"),
    ("case tasks section", "/staff/cases/<ref>/section/tasks/"),
    ("notifications queue", "/staff/notifications/"),
    ("my work", "/staff/work/"),
    ("team work", "/staff/work/team/"),
    ("outstanding Reporting Forms", "/staff/reporting-forms/"),
    ("meetings", "/staff/meetings/"),
    ("action tracker", "/staff/actions/"),
    ("NCMD export page", "/staff/ncmd/llr/"),
    ("statistics", "/staff/statistics/"),
    ("annual report", "/staff/statistics/annual/llr/"),
    ("learning themes", "/staff/learning/"),
    ("surveillance", "/staff/surveillance/"),
    ("data quality", "/staff/data-quality/llr/"),
    ("agency directory", "/staff/agencies/"),
    ("API: cases", "/api/staff/v1/cases/"),
    ("API: notifications", "/api/staff/v1/notifications/"),
    ("API: actions", "/api/staff/v1/actions/"),
    ("API: statistics", "/api/staff/v1/statistics/"),
)


def _path(template: str, i: int, references: list[str], surnames: list[str]) -> str:
    """The template with a case reference and a surname from the data, taken in turn."""
    return template.replace("<ref>", references[i % len(references)]).replace(
        "<surname>", surnames[i % len(surnames)]
    )


def _seed(env: dict[str, str], cases: int, *, fresh: bool) -> dict[str, object]:
    info = bench._seed(env, cases, fresh=fresh)
    # Analyses for finalised cases, where the command exists (the annual report reads them).
    manage = [sys.executable, "manage.py"]
    commands = bench._run([*manage, "help", "--commands"], env, capture=True)
    if "generate_synthetic_analyses" in commands.split():
        bench._run([*manage, "generate_synthetic_analyses"], env)
    return info


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _queries(env: dict[str, str], session_key: str, paths: list[str]) -> dict[str, int]:
    """Queries per request for each path, counted in-process (bench/queries.py)."""
    out = bench._run(
        [sys.executable, str(ROOT / "bench" / "queries.py"), session_key, *paths],
        env,
        capture=True,
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def _getter(
    port: int,
    template: str,
    references: list[str],
    surnames: list[str],
    cookies: dict[str, str],
) -> bench.Call:
    return lambda i: bench._get(port, _path(template, i, references, surnames), cookies)


def _measure(
    args: argparse.Namespace, env: dict[str, str], info: dict[str, object], levels: list[int]
) -> tuple[dict[int, list[bench.Result]], list[str], dict[str, int], list[float | None]]:
    cookies = {"sessionid": str(info["session_key"])}
    references = [str(r) for r in info["references"]]  # type: ignore[attr-defined]
    surnames = [str(s) for s in info["surnames"]]  # type: ignore[attr-defined]
    port = bench._free_port()
    skipped: list[str] = []
    with bench._gunicorn(env, port, args.workers, "config.wsgi:application") as server:
        bench._wait_until_up(server, port, cookies)
        endpoints: list[tuple[str, str, bench.Call]] = [
            (
                "floor (staff page, no work)",
                "/staff/floor/",
                lambda i: bench._get(port, "/staff/floor/", cookies),
            )
        ]
        for name, template in STAFF_PAGES:
            status = bench._request(
                port, "GET", _path(template, 0, references, surnames), cookies=cookies
            ).status
            if status != 200:
                skipped.append(f"{name} ({template}): answered {status}")
                continue
            endpoints.append(
                (
                    name,
                    template,
                    _getter(port, template, references, surnames, cookies),
                )
            )
        notify = bench.NotifyForm(port)
        notify.prepare_csrf()
        drafts = (args.requests + args.warmup * args.rounds + 5) * len(levels)
        print(f"bench: filling in the form's pages for {drafts} submits ...", flush=True)
        notify.prepare(drafts, max(levels))
        endpoints.append(("public submit (check answers)", "/llr/notify/check/", notify.submit))
        by_level: dict[int, list[bench.Result]] = {}
        for level in levels:
            print(f"bench: {level} concurrent client(s) ...", flush=True)
            by_level[level] = bench._rounds(
                endpoints,
                requests=args.requests,
                rounds=args.rounds,
                concurrency=level,
                warmup=args.warmup,
                max_seconds=args.max_seconds,
            )
        memory = [_peak_rss_mb(pid) for pid in _worker_pids(server.pid)]
    paths = [
        _path(t, 0, references, surnames)
        for _n, t, _c in endpoints
        if t.startswith(("/staff/", "/api/"))
    ]
    queries_by_path = _queries(env, str(info["session_key"]), paths)
    queries = {
        t: queries_by_path.get(_path(t, 0, references, surnames), -1) for _n, t, _c in endpoints
    }
    return by_level, skipped, queries, memory


def _table(by_level: dict[int, list[bench.Result]], queries: dict[str, int]) -> str:
    levels = sorted(by_level)
    names = [r.name for r in by_level[levels[0]]]
    head = f"{'endpoint':<34}"
    for level in levels:
        head += "".join(f" {label + str(level):>8}" for label in ("p50@", "p95@", "rps@", "×fl@"))
    head += f" {'queries':>7} {'errors':>6}"
    lines = [head, "-" * len(head)]
    for row, name in enumerate(names):
        line = f"{name:<34}"
        errors = 0
        for level in levels:
            results = by_level[level]
            r, floor = results[row], results[0].percentile(50)
            rate = len(r.seconds) / r.wall if r.wall else 0.0
            line += (
                f" {r.percentile(50) * 1000:>8.1f} {r.percentile(95) * 1000:>8.1f}"
                f" {rate:>7.0f} {r.percentile(50) / floor if floor else float('nan'):>6.1f}×"
            )
            errors += sum(r.errors.values())
        line += f" {queries.get(by_level[levels[0]][row].path, -1):>7} {errors:>6}"
        lines.append(line)
    for level in levels:
        for r in by_level[level]:
            if r.errors:
                detail = ", ".join(f"{k}: {v}" for k, v in r.errors.most_common())
                lines.append(f"  errors on {r.name} at {level}: {detail}")
    return "\n".join(lines)


def _growth(runs: dict[int, dict[int, list[bench.Result]]]) -> str:
    scales = sorted(runs)
    level = max(next(iter(runs.values())))
    lines = [
        f"p50 (ms) at {level} clients by size, and largest ÷ smallest:",
        f"{'endpoint':<34}" + "".join(f" {s:>9,}" for s in scales) + f" {'growth':>7}",
    ]
    first = runs[scales[0]][level]
    for r in first:
        values = []
        for s in scales:
            match = [x for x in runs[s][level] if x.name == r.name]
            values.append(match[0].percentile(50) * 1000 if match else float("nan"))
        growth = values[-1] / values[0] if values[0] else float("nan")
        lines.append(f"{r.name:<34}" + "".join(f" {v:>9.1f}" for v in values) + f" {growth:>6.2f}×")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="5000,50000", help="sizes in cases, smallest first")
    parser.add_argument("--concurrency", default="1,16", help="client threads, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="measured requests a page")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--max-seconds", type=float, default=90)
    parser.add_argument("--database-url", help="use this database (e.g. a fresh PostgreSQL one)")
    args = parser.parse_args(argv)
    scales = sorted(int(s) for s in args.scales.split(","))
    levels = sorted(int(c) for c in args.concurrency.split(","))

    RESULTS.mkdir(parents=True, exist_ok=True)
    fresh = args.database_url is None
    if fresh:
        db = RESULTS / "national.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{db}"
    else:
        database_url = args.database_url
    env = bench._bench_env(database_url)

    runs: dict[int, dict[int, list[bench.Result]]] = {}
    report: list[str] = []
    for n, scale in enumerate(scales):
        print(f"bench: topping up to {scale} cases ...", flush=True)
        started = time.perf_counter()
        info = _seed(env, scale, fresh=fresh and n == 0)
        seeded = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        by_level, skipped, queries, memory = _measure(args, env, info, levels)
        runs[scale] = by_level
        header = (
            f"{info['cases']} cases in LLR · {info['engine']} · gunicorn {args.workers} sync "
            f"workers · clients {', '.join(map(str, levels))} · {args.requests} requests a page "
            f"in {args.rounds} rounds (+{args.warmup} warm-up) · {os.cpu_count()} CPUs · "
            f"seeding {seeded:.0f} s · load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after"
        )
        peak = ", ".join(f"{m:.0f} MB" for m in memory if m is not None) or "not read"
        block = [header, _table(by_level, queries), f"workers' peak resident memory: {peak}"]
        block += [f"skipped: {s}" for s in skipped]
        print("\n" + "\n".join(block), flush=True)
        report += [*block, ""]
    if len(scales) > 1:
        growth = _growth(runs)
        print("\n" + growth)
        report.append(growth)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"national-{stamp}.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
