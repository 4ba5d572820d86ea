"""Write the day summaries that the calendar reads, from the capacity records and claims.

    TABLE_NAME=<the stack's TableName output> AWS_REGION=ap-northeast-1 \\
        .venv/bin/python -m tools.rebuild_summaries --from 2026-12-01

Run it once right after deploying the version that keeps summaries over a table that
already holds inventory (every facility, from the given day to the last one opened, 400
days by default). Until then a day without a summary shows as closed, and confirming a
hold on it fails (its count has no summary to go to). It is safe while bookings go on
(see `summary_store.rebuild`), and running it again changes nothing.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from yoyaku.adapters import catalog_store, summary_store


def facility_ids() -> list[str]:
    ids: list[str] = []
    token = None
    while True:
        page = catalog_store.page(100, token)
        ids += [f.facility_id for f in page.items]
        token = page.next_token
        if not token:
            return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--facility-id", action="append", help="default: every facility")
    args = parser.parse_args(argv)
    end = args.start + timedelta(days=args.days - 1)
    for facility_id in args.facility_id or facility_ids():
        written = summary_store.rebuild(facility_id, args.start, end)
        print(f"{facility_id}: {written} day summaries written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
