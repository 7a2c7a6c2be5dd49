"""What a year of journal adds to apply's start (issue 13 item 5).

    python bench/journal_start.py [--days 365] [--accounts 1000] [--json]

Writes, in a temporary folder, the journal a year of daily `apply` runs over 1,000 accounts
leaves (each account: intent, outcome and the settling read; each run: run_start and a run_end
listing every account), laid out as zoomplans lays it out (one file per month plus the index),
with "now" at the worst moment: the last hour of a 31-day month, so this month's file is full.
Then it times the journal reads apply makes before its first call: the Heavy budget (24 hours),
the unsettled calls (the index), the purchases in flight for the preview and for the run
(7 days each), with the in-flight lookup itself. For comparison it also times one read of the
same year kept in a single file (what every start read before the upkeep).

Target (issue 13): under a second for all of apply's start-up reads.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reconciler.apply.in_flight import InFlightRules, writes_in_flight
from reconciler.apply.journal import read_journal
from reconciler.apply.journal_file import open_lines
from reconciler.apply.journal_months import month_path, refresh_index

NOW = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _day_lines(day: datetime, accounts: int, number: int) -> list[str]:
    """One daily run: every account gets an add-on (intent, outcome ok, read shows it)."""
    run = f"run{number:04d}"
    common = (
        f'"actor":"ci","git_commit":"9f2c1e0","master_account_id":"MASTER1",'
        f'"plan_sha256":"{number:064x}","run_id":"{run}"'
    )
    lines = [f'{{{common},"kind":"run_start","mode":"fresh_plan","ts":"{_iso(day)}"}}']
    reports = []
    for n in range(accounts):
        at = _iso(day + timedelta(milliseconds=40 * n))
        account = f"sub_{n:05d}"
        intent = f"{run}-{n:05d}"
        call = (
            f'"account_id":"{account}","body":{{"hosts":{1 + n % 9},"type":"webinar500_monthly"}},'
            f'"intent_id":"{intent}","method":"POST","op":"add_addon",'
            f'"path":"/accounts/{account}/plans/addons"'
        )
        lines.append(f'{{{common},{call},"attempt":1,"kind":"intent","retry_of":null,"ts":"{at}"}}')
        lines.append(
            f'{{{common},{call},"duration_ms":212.4,"http_status":201,"kind":"outcome",'
            f'"message":null,"result":"ok","ts":"{at}","zoom_code":null}}'
        )
        lines.append(
            f'{{{common},{call},"intent_run_id":"{run}","kind":"resolution",'
            f'"message":"a read after the calls shows it: settled","result":"resolved_present",'
            f'"ts":"{at}"}}'
        )
        reports.append(
            f'{{"account_id":"{account}","calls_made":1,"calls_planned":1,"reason":"",'
            f'"state":"applied"}}'
        )
    end = _iso(day + timedelta(milliseconds=40 * accounts + 500))
    lines.append(
        f'{{{common},"accounts":[{",".join(reports)}],"calls_made":{accounts},"exit_code":0,'
        f'"kind":"run_end","ts":"{end}"}}'
    )
    return lines


def build(folder: Path, days: int, accounts: int) -> tuple[Path, Path]:
    """The year as zoomplans keeps it (month files, FILE, index) and as one file."""
    path = folder / "months" / "journal.jsonl"
    path.parent.mkdir(parents=True)
    single = folder / "single" / "journal.jsonl"
    single.parent.mkdir(parents=True)
    by_month: dict[str, list[str]] = {}
    first = (NOW - timedelta(days=days - 1)).replace(hour=2, minute=0)
    for number in range(days):
        day = first + timedelta(days=number)
        by_month.setdefault(_iso(day)[:7], []).extend(_day_lines(day, accounts, number))
    with single.open("w") as whole:
        for month, lines in sorted(by_month.items()):
            text = "\n".join(lines) + "\n"
            whole.write(text)
            target = path if month == _iso(NOW)[:7] else month_path(path, month)
            target.write_text(text)
    refresh_index(path, open_lines)
    return path, single


def start_reads(path: Path) -> float:
    """The journal reads apply makes before its first call, in seconds."""
    rules = InFlightRules()
    began = time.perf_counter()
    read_journal(path, since=NOW - timedelta(hours=24), now=NOW)  # the Heavy budget
    read_journal(path, since=NOW, now=NOW)  # unsettled calls (the index)
    for _ in range(2):  # purchases in flight: the preview, then the run
        history = read_journal(path, since=NOW - rules.window, now=NOW)
        writes_in_flight(history.records, master_account_id="MASTER1", now=NOW, rules=rules)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        made = time.perf_counter()
        path, single = build(Path(folder), args.days, args.accounts)
        built = time.perf_counter() - made
        size = sum(p.stat().st_size for p in path.parent.iterdir())
        lines = sum(1 for _ in single.open("rb"))
        start = min(start_reads(path) for _ in range(3))
        began = time.perf_counter()
        read_journal(single, now=NOW)
        whole = time.perf_counter() - began
    result = {
        "days": args.days,
        "accounts": args.accounts,
        "journal_lines": lines,
        "journal_mb": round(size / 1e6, 1),
        "start_reads_s": round(start, 3),
        "one_whole_read_s": round(whole, 3),
        "build_s": round(built, 1),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"journal: {lines:,} lines, {result['journal_mb']} MB over {args.days} days of "
        f"{args.accounts:,}-account applies; apply's start-up reads: {start:.3f} s "
        f"(target < 1 s); one read of the same year in a single file: {whole:.2f} s"
    )


if __name__ == "__main__":
    main()
