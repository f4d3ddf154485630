"""Payments through the service layer against pgbench, in the same run: bench/run.py's write measurement alone.

    .venv/bin/python bench/payments_pgbench.py --url postgresql://…/acompte_bench --pgbench-url postgresql://…/x

For 1 worker, 2 workers in one company and 2 workers in two companies: pgbench (TPC-B-like, the same client
count, `--seconds`) just before, then `record_payment` with one allocation of 1.00 to an open invoice of the
worker's own parties (bench/measure.py's workers, a process each). Prints one Markdown row per measurement, with
the load at its start. To compare two checkouts on a shared machine, run this alternately with
`PYTHONPATH=<checkout>/src` (the workers import acompte from there) on the same databases.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/payments_pgbench.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acompte import bootstrap
from bench import measure, populate, serve_bench

PARTIES = 20  # per worker
INVOICES = 50  # per party


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the acompte database (made and migrated if needed)")
    parser.add_argument("--pgbench-url", required=True, help="pgbench's database (initialised at scale 10 once)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--label", default="", help="what this run measures (printed in each row)")
    parser.add_argument("--init-pgbench", action="store_true", help="initialise pgbench's tables first")
    parser.add_argument("--http", action="store_true", help="also POST /api/v1/payments to `acompte serve`")
    parser.add_argument("--keyed", action="store_true", help="with --http: each POST with an Idempotency-Key")
    parser.add_argument("--no-service", action="store_true", help="skip the service-layer measurements")
    args = parser.parse_args()
    if args.init_pgbench:
        measure.pgbench_init(args.pgbench_url, 10)
    app = bootstrap.build(args.url, pool_size=2)
    tag = f"{int(time.time()) % 100_000}-"
    payers = populate.create_companies(app.uow, [f"Bench {tag}payeur {i + 1}" for i in range(3)])
    pools = [
        populate.populate_pool(app.engine, payers[0], 2 * PARTIES, INVOICES),
        populate.populate_pool(app.engine, payers[1], PARTIES, INVOICES),
    ]
    if args.http:
        pools.append(populate.populate_pool(app.engine, payers[2], 2 * PARTIES, INVOICES))
    populate.analyze(app.engine)

    def plan(company: populate.CompanyData, pool: list[list[int]], parties: slice) -> measure.WorkerPlan:
        owners, docs = company.parties[parties], pool[parties]
        return measure.WorkerPlan(
            company.id, tuple((owners[p], docs[p][i]) for i in range(INVOICES) for p in range(len(owners)))
        )

    one = plan(payers[0], pools[0], slice(0, PARTIES))
    same_company = [one, plan(payers[0], pools[0], slice(PARTIES, 2 * PARTIES))]
    two_companies = [one, plan(payers[1], pools[1], slice(0, PARTIES))]
    app.close()  # nothing open across fork()
    seconds = int(args.seconds)
    print("| run | workers | companies | pgbench TPS | payments/s | ratio | errors | load (pgbench / ours) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    service: dict[int, float] = {}
    for plans in () if args.no_service else ([one], same_company, two_companies):
        bench = measure.pgbench_run(args.pgbench_url, len(plans), seconds)
        ours = measure.run_writes(args.url, "postgresql", plans, args.seconds)
        if ours.companies == 1:
            service[ours.workers] = ours.rate
        print(
            f"| {args.label} | {ours.workers} | {ours.companies} | {bench.tps:.0f} | {ours.rate:.0f} | "
            f"{ours.rate / bench.tps:.0%} | {ours.errors} | {bench.load.split()[0]} / {ours.load.split()[0]} |",
            flush=True,
        )
    if args.http:
        http_plans = [plan(payers[2], pools[2], slice(0, PARTIES)), plan(payers[2], pools[2], slice(PARTIES, None))]
        print("\n| run | HTTP clients | payments/s | service layer, same run | HTTP / service | errors | load |")
        print("|---|---:|---:|---:|---:|---:|---|")
        with serve_bench.Server(args.url, payers[2].id, 2) as server:
            for clients in (1, 2):
                done = serve_bench.run_payments(server, http_plans[:clients], args.seconds, keyed=args.keyed)
                base = service.get(clients)
                ratio = f"{done.rate / base:.0%}" if base else "–"
                print(
                    f"| {args.label} | {clients} | {done.rate:.0f} | {base or 0:.0f} | {ratio} | {done.errors} | "
                    f"{done.load.split()[0]} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
