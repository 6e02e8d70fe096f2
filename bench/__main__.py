"""`make bench`: timings against a floor measured in the same run.

Each benchmark prints its own figures and the ratio to its floor: the same
work done by the simplest thing that could do it (a raw SQL query), on the
same data, on the same machine, a moment apart. Ratios, not absolute times,
are what to compare between runs and machines.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relcrm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault("HTTPS", "false")
BENCHMARKS = ("recompute", "digest", "dashboard", "imports")
BENCH_DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/relcrm_bench")


def _recreate_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=int(os.environ.get("BENCH_CONTACTS", 20_000)))
    parser.add_argument("--interactions", type=int, default=int(os.environ.get("BENCH_INTERACTIONS", 1_000_000)))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "only", nargs="*", metavar="NAME", help=f"run only these: {', '.join(BENCHMARKS)} (default: all)"
    )
    args = parser.parse_args(argv)
    if unknown := set(args.only) - set(BENCHMARKS):
        parser.error(f"no benchmark named {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    chosen = set(args.only) or set(BENCHMARKS)

    _recreate_database(BENCH_DATABASE)
    os.environ["DATABASE_URL"] = BENCH_DATABASE
    import django

    django.setup()
    from django.core.management import call_command

    from bench import dashboard, digest, imports, last_interaction, maintenance, recompute

    call_command("migrate", verbosity=0)
    results = []
    if "recompute" in chosen:
        print(f"Seeding {args.contacts:,} contacts and {args.interactions:,} interactions…", flush=True)
        start = time.perf_counter()
        call_command("seed_demo", contacts=args.contacts, interactions=args.interactions, seed=1, history_weeks=0)
        print(f"  seeded in {time.perf_counter() - start:.1f} s", flush=True)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

        results += [last_interaction.run(args.runs), *recompute.run(args.runs), *maintenance.run(args.runs)]
    if "digest" in chosen:
        results.append(digest.run())
    if "dashboard" in chosen:
        results.append(dashboard.run())
    if "imports" in chosen:
        results += imports.run()
    print()
    print(f"{'benchmark':<34}{'measured':>12}{'floor':>12}{'ratio':>9}  target")
    for name, measured, floor, target in results:
        ratio = measured / floor
        verdict = "(for comparison)" if target is None else f"≤ {target} {'ok' if ratio <= target else 'SLOW'}"
        print(f"{name:<34}{measured:>11.4f}s{floor:>11.4f}s{ratio:>9.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
