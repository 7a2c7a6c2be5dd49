"""The table `make bench` prints: issue 19's rows, each with its bound, ratio, target and verdict.

One row per measure: what was measured, the result, the physical bound it is compared with (the
rate limit's floor: N calls / Zoom's per-second limit) where there is one, the ratio of the two,
the target, and whether it is met. `docs/performance.md` quotes the printout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

#: Targets (issue 19, and issue 18 for the PostgreSQL journal's apply).
VERSION_S = 0.15
VALIDATE_S = 0.6
PLAN_CPU_S = 0.6
PEAK_RSS_MB = 300
REVOKED_RATIO = 1.08
PLAN_RATIO = 1.05
APPLY_RATIO = 1.08
APPLY_POSTGRES_RATIO = 1.15
SEQUENTIAL_SPEEDUP = 5.0


@dataclass(frozen=True)
class Row:
    """One line of the table; ``met`` None: measured, no target."""

    measure: str
    result: str
    bound: str
    ratio: str
    target: str
    met: bool | None
    key: str


def _ratio_row(
    key: str, measure: str, figures: dict[str, Any], bound_text: str, target: float
) -> Row:
    ratio = figures["wall_s"] / figures["bound_s"]
    return Row(
        measure,
        f"{figures['wall_s']:.1f} s",
        f"{figures['bound_s']:.1f} s ({bound_text})",
        f"{ratio:.3f}x",
        f"<= {target:.2f}x",
        ratio <= target,
        key,
    )


#: Rows with an absolute target (no rate-limit bound): (phase, path to the figure, measure,
#: its format, the limit it must stay under, its unit, the verdict's key).
ABSOLUTE: tuple[tuple[str, tuple[str, ...], str, str, float, str, str], ...] = (
    ("startup", ("zoomplans --version", "wall_s"), "`zoomplans --version` (wall, best of runs)",
     "{:.3f} s", VERSION_S, "s", "version_under_0.15s"),
    ("startup", ("validate_600_files", "wall_s"), "`validate` of 600 one-account files (wall)",
     "{:.3f} s", VALIDATE_S, "s", "validate_under_0.6s"),
    ("cpu", ("plan_cpu_s",), "planning CPU, {n:,} accounts from memory", "{:.2f} s", PLAN_CPU_S,
     "s", "plan_cpu_under_0.6s"),
    ("cpu", ("peak_rss_mb",), "planning {n:,} accounts: peak RSS", "{:.0f} MB", PEAK_RSS_MB,
     "MB", "memory_under_300mb"),
)  # fmt: skip


def _absolute_rows(results: dict[str, Any]) -> list[Row]:
    found = []
    for phase, path, measure, shown, limit, unit, key in ABSOLUTE:
        value: Any = results.get(phase)
        if not value:
            continue
        n = value.get("accounts", 0)
        for step in path:
            value = value[step]
        found.append(Row(measure.format(n=n), shown.format(value), "-", "-",
                         f"< {limit:g} {unit}", value < limit, key))  # fmt: skip
    return found


def _revoked_rows(results: dict[str, Any]) -> list[Row]:
    revoked = results.get("revoked_token")
    if not revoked:
        return []
    n = revoked["accounts"]
    row = _ratio_row(
        "revoked_token_plan_within_1.08x",
        f"`plan` as a whole process, {n} accounts, {revoked['latency_ms']} ms, token revoked "
        f"every {revoked['revoke_every_s']:g} s ({revoked['sandbox_401']} 401s)",
        revoked,
        f"{n}/60 s",
        REVOKED_RATIO,
    )
    clean = revoked["sandbox_429"] == 0 and revoked["errors"] == 0
    return [replace(row, met=bool(row.met) and clean)]


def _plan_rows(results: dict[str, Any]) -> list[Row]:
    plan = results.get("plan")
    if not plan:
        return []
    n = plan["accounts"]
    rows = [
        _ratio_row(
            "plan_within_1.05x",
            f"plan {n:,} accounts (make_plan, ZoomClient)",
            plan,
            f"{n}/60 s",
            PLAN_RATIO,
        )
    ]
    seq = results.get("sequential")
    if seq:
        speedup = seq["wall_s"] / plan["wall_s"]
        rows.append(
            Row(
                f"baseline: sequential client, {seq['accounts']:,} GETs one at a time",
                f"{seq['wall_s']:.1f} s",
                "-",
                f"plan is {speedup:.1f}x faster",
                f">= {SEQUENTIAL_SPEEDUP:g}x slower than plan",
                speedup >= SEQUENTIAL_SPEEDUP,
                "plan_5x_faster_than_sequential",
            )
        )
    return rows


def _apply_rows(results: dict[str, Any]) -> list[Row]:
    rows = []
    for run in results.get("apply", []):
        journal = run.get("journal", "file")
        postgres = journal == "postgresql"
        key = f"apply_p{run['parallelism']}" + "_postgresql" * postgres
        rows.append(
            _ratio_row(
                f"{key}_within_{APPLY_POSTGRES_RATIO if postgres else APPLY_RATIO}x",
                f"apply --plan, {run['accounts']:,} seat changes, --parallelism "
                f"{run['parallelism']}, {journal} journal",
                run,
                f"max(2x{run['accounts']}/60, {run['accounts']}/40) s",
                APPLY_POSTGRES_RATIO if postgres else APPLY_RATIO,
            )
        )
    return rows


def _rate_limit_row(results: dict[str, Any]) -> list[Row]:
    phases = [results.get("plan"), results.get("revoked_token"), *results.get("apply", [])]
    sent = sum(p["sandbox_429"] for p in phases if p)
    caught = sum(p["caller_429"] for p in phases if p)
    errors = sum(p.get("errors", 0) for p in phases if p)
    errors += sum(1 for run in results.get("apply", []) if run["exit_code"] != 0)
    return [
        Row(
            "429s the sandbox sent / that reached a caller",
            f"{sent} / {caught}",
            "-",
            "-",
            "0 / 0",
            sent == 0 and caught == 0,
            "no_429",
        ),
        Row(
            "accounts failed (plan errors, apply exit codes)",
            str(errors),
            "-",
            "-",
            "0",
            errors == 0,
            "no_errors",
        ),
    ]


ROW_BUILDERS: tuple[Callable[[dict[str, Any]], list[Row]], ...] = (
    _absolute_rows,
    _revoked_rows,
    _plan_rows,
    _apply_rows,
    _rate_limit_row,
)


def rows(results: dict[str, Any]) -> list[Row]:
    """Every row the results hold (a `--case` run keeps the other rows of the last run)."""
    return [row for build in ROW_BUILDERS for row in build(results)]


def verdicts(results: dict[str, Any]) -> dict[str, bool]:
    return {row.key: bool(row.met) for row in rows(results) if row.met is not None}


def markdown(table_rows: Sequence[Row]) -> str:
    """The rows as an aligned Markdown table."""
    cells = [("measure", "result", "bound", "ratio", "target", "met")]
    for row in table_rows:
        met = "-" if row.met is None else "yes" if row.met else "**no**"
        cells.append((row.measure, row.result, row.bound, row.ratio, row.target, met))
    widths = [max(len(line[i]) for line in cells) for i in range(6)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def provenance(results: dict[str, Any]) -> str:
    """The lines above the table: commit, machine, load, Python, when."""
    machine = results["machine"]
    load = machine.get("load_average_start"), machine.get("load_average_end")
    shown = " -> ".join("?" if value is None else f"{value:.2f}" for value in load)
    return (
        f"commit {machine.get('commit', 'unknown')}; {machine['nproc']} CPUs "
        f"({machine['cpu_model']}); Python {machine['python']}; {machine['platform']}\n"
        f"started {machine['date']}, load average (1 min) at start -> end: {shown}"
    )
