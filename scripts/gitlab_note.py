"""Post the plan on a GitLab merge request as ONE note, updated in place on every push.

Used by the GitLab example (examples/ci/gitlab-ci.yml) and the GitLab component
(templates/zoomplans.yml) from the zoomplans release they install; standard library only, so it
runs before anything else is installed. The note is found again by a hidden marker.

Reads: PLAN_EXIT (zoomplans plan's exit code), the plan's Markdown from the file named by the
first argument (default plan.md), ZOOMPLANS_GITLAB_TOKEN (a project access token with the `api`
scope) and GitLab's predefined CI_* variables. Never prints the token.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any

MARKER = "<!-- zoomplans-plan -->"
VERDICT = {
    "0": "In sync: merging changes nothing in Zoom.",
    "2": "Changes pending: the apply job on the default branch applies them.",
    "1": "Errors or blocked items: this plan cannot be applied as it is.",
}


def note_body(code: str, plan: str, env: dict[str, str]) -> str:
    job = env["CI_JOB_URL"]
    verdict = VERDICT.get(code, f"zoomplans plan exited {code}")
    return (
        f"{MARKER}\n### zoomplans plan for {env['CI_COMMIT_SHORT_SHA']}\n"
        f"**{verdict}** ([job]({job}); [HTML report with charts]({job}/artifacts/file/plan.html))"
        "\n\n" + (plan.strip() or "_No plan was produced; see the job log._")
    )[:1000000]


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    plan_file = argv[1] if len(argv) > 1 else "plan.md"
    found = Path(plan_file)
    plan = found.read_text(encoding="utf-8") if found.exists() else ""
    body = note_body(env.get("PLAN_EXIT", ""), plan, env)
    api = (
        f"{env['CI_API_V4_URL']}/projects/{env['CI_PROJECT_ID']}"
        f"/merge_requests/{env['CI_MERGE_REQUEST_IID']}/notes"
    )
    headers = {"PRIVATE-TOKEN": env["ZOOMPLANS_GITLAB_TOKEN"], "Content-Type": "application/json"}

    def call(method: str, url: str, data: dict[str, Any] | None = None) -> Any:
        raw = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(url, raw, headers, method=method)
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    previous, page = None, 1
    while previous is None:
        notes = call("GET", f"{api}?per_page=100&page={page}")
        if not notes:
            break
        previous = next((n for n in notes if MARKER in (n.get("body") or "")), None)
        page += 1
    if previous:
        call("PUT", f"{api}/{previous['id']}", {"body": body})
    else:
        call("POST", api, {"body": body})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
