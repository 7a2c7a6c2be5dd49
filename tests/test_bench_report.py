"""`make bench`'s printout and `--trace`'s timeline, on tiny synthetic data (no sandbox run):
the table gives every row its bound, ratio, target and verdict; the timeline finds the gaps and
the busiest second, and its SVG is well-formed XML with one bar per request."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import table  # noqa: E402
import timeline  # noqa: E402


def synthetic_results() -> dict[str, Any]:
    clean = {"sandbox_429": 0, "caller_429": 0, "errors": 0}
    return {
        "machine": {
            "nproc": 2,
            "cpu_model": "Test CPU",
            "python": "3.11.7",
            "platform": "Linux",
            "date": "2026-12-07T14:00:00Z",
            "commit": "abc123",
            "load_average_start": 0.5,
            "load_average_end": 1.25,
        },
        "startup": {"zoomplans --version": {"wall_s": 0.08}, "validate_600_files": {"wall_s": 0.7}},
        "cpu": {"accounts": 10000, "plan_cpu_s": 0.5, "peak_rss_mb": 100},
        "plan": {"accounts": 1000, "wall_s": 17.0, "bound_s": 16.67, **clean},
        "sequential": {"accounts": 1000, "wall_s": 103.0},
        "apply": [
            {
                "accounts": 1000,
                "parallelism": 16,
                "journal": "file",
                "wall_s": 35.0,
                "bound_s": 33.33,
                "exit_code": 0,
                **clean,
            },
            {
                "accounts": 1000,
                "parallelism": 16,
                "journal": "postgresql",
                "wall_s": 39.0,
                "bound_s": 33.33,
                "exit_code": 0,
                **clean,
            },
        ],
        "revoked_token": {
            "accounts": 600,
            "wall_s": 11.0,
            "bound_s": 10.0,
            "latency_ms": 50,
            "revoke_every_s": 4.0,
            "sandbox_401": 3,
            **clean,
        },
    }


def test_the_table_gives_each_row_its_bound_ratio_target_and_verdict() -> None:
    results = synthetic_results()
    printed = table.markdown(table.rows(results))
    lines = printed.splitlines()
    header = [cell.strip() for cell in lines[0].split("|")[1:-1]]
    assert header == ["measure", "result", "bound", "ratio", "target", "met"]
    plan = next(line for line in lines if "plan 1,000 accounts" in line)
    assert "16.7 s (1000/60 s)" in plan and "1.020x" in plan and "<= 1.05x" in plan
    assert plan.rstrip(" |").endswith("yes")
    revoked = next(line for line in lines if "token revoked every 4 s" in line)
    assert "1.100x" in revoked and "<= 1.08x" in revoked and "**no**" in revoked
    postgres = next(line for line in lines if "postgresql journal" in line)
    assert "1.170x" in postgres and "<= 1.15x" in postgres and "**no**" in postgres
    assert "plan is 6.1x faster" in printed
    verdicts = table.verdicts(results)
    assert verdicts["plan_within_1.05x"] and verdicts["apply_p16_within_1.08x"]
    assert not verdicts["validate_under_0.6s"] and not verdicts["revoked_token_plan_within_1.08x"]
    assert verdicts["no_429"] and verdicts["no_errors"]
    shown = table.provenance(results)
    assert "commit abc123" in shown and "2 CPUs" in shown and "0.50 -> 1.25" in shown


def test_a_429_anywhere_fails_the_rate_limit_row() -> None:
    results = synthetic_results()
    results["apply"][1]["sandbox_429"] = 1
    assert table.verdicts(results)["no_429"] is False


def requests_log() -> list[dict[str, Any]]:
    """The sandbox's log: a token, then Medium reads 0.1 s apart with a 1 s hole, one PUT."""
    log = [
        {
            "at": 100.05,
            "done": 100.15,
            "path": "/oauth/token",
            "method": "POST",
            "status": 200,
            "label": None,
        }
    ]
    moments = [100.2 + i / 10 for i in range(10)] + [102.3 + i / 10 for i in range(5)]
    for n, at in enumerate(moments):
        log.append(
            {
                "at": at,
                "done": at + 0.1,
                "path": f"/v2/accounts/sub_{n}/plans",
                "method": "GET",
                "status": 200,
                "label": "Medium",
            }
        )
    log.append(
        {
            "at": 101.5,
            "done": 101.6,
            "path": "/v2/accounts/sub_1/plans/base",
            "method": "PUT",
            "status": 429,
            "label": "Heavy",
        }
    )
    return log


def test_the_timeline_says_where_the_time_went(tmp_path: Path) -> None:
    found = timeline.write_trace(
        "tiny",
        requests_log(),
        100.0,
        103.5,
        (tmp_path / "csv", tmp_path / "img"),
        {"Medium": 60, "Heavy": 40},
    )
    assert found["requests"] == 17
    assert found["before_first_request_s"] == 0.05
    assert found["last_answer_s"] == 2.8 and found["after_last_answer_s"] == 0.7
    assert found["statuses"] == {"200": 16, "429": 1}
    medium = found["labels"]["Medium"]
    assert medium["requests"] == 15 and medium["busiest_second"] == 10
    assert medium["gaps_over_0.25_s"] == 1 and medium["gap_seconds"] == 1.2
    rows = (tmp_path / "csv" / "tiny.csv").read_text().splitlines()
    assert rows[0] == "start_s,end_s,label,status,method,account"
    assert rows[1] == "0.0500,0.1500,other,200,POST,"
    assert "Heavy,429,PUT,sub_1" in "\n".join(rows)
    svg = ElementTree.parse(tmp_path / "img" / "bench-timeline-tiny.svg").getroot()
    paths = [e.get("d", "") for e in svg.iter("{http://www.w3.org/2000/svg}path")]
    assert sum(d.count("M") for d in paths) == 17  # one bar per request
    assert any(e.get("stroke") == "black" for e in svg.iter("{http://www.w3.org/2000/svg}path"))
    assert json.dumps(found)  # goes into results.json as is


def test_the_busiest_second_is_a_sliding_window() -> None:
    assert timeline.busiest_second([0.0, 0.5, 0.99, 1.0, 1.5]) == 3
    assert timeline.busiest_second([]) == 0
