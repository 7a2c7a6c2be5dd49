#!/usr/bin/env bash
# One zoomplans step of a CI job, shared by the GitHub Action (action.yml) and the GitLab
# component (templates/zoomplans.yml): `plan` (validate first) or `apply` of a reviewed plan.
#
# Input only from these variables (never pasted into the script's text):
#   ZP_COMMAND        plan | apply
#   ZP_PATHS          desired-state folders or files, separated by spaces (default accounts/)
#   ZP_JOURNAL        database (the URL in ZOOMPLANS_JOURNAL_URL, from a secret), a FILE, or ""
#                     (zoomplans' default); see scripts/ci_journal.sh
#   ZP_OPT_INS        allow-decrease allow-cancel allow-cancel-base (any subset)
#   ZP_FORMATS        html (plan.html) or "" (plan.json and plan.md are always written)
#   ZP_REQUIRE_PRICES true (default): --require-prices on plan and apply; false: not
#   ZP_PLAN_FILE      apply: the plan file
#   ZP_EXPECT_SHA256  apply: the plan_sha256 that was reviewed
#   ZP_OUT            output folder (default zoomplans-out)
# Writes exit-code, plan_sha256 and files to $GITHUB_OUTPUT when set, else ZOOMPLANS_EXIT_CODE,
# ZOOMPLANS_PLAN_SHA256 and ZOOMPLANS_FILES to $ZP_OUT/outputs.env (a GitLab dotenv report, or
# `. zoomplans-out/outputs.env` in a shell), and the plan to $GITHUB_STEP_SUMMARY when set. Exits 0 for plan 0 and 2 (success; pending changes are not a failure of a PR check),
# otherwise zoomplans' code, after every file is written.
set -uo pipefail

out="${ZP_OUT:-zoomplans-out}"
mkdir -p "$out"
read -r -a paths <<< "${ZP_PATHS:-accounts/}"

refuse() { echo "zoomplans CI: $1" >&2; exit 64; }

# shellcheck source=scripts/ci_journal.sh
. "$(dirname "${BASH_SOURCE[0]}")/ci_journal.sh"
zp_journal "${ZP_COMMAND:-plan}" "${ZP_JOURNAL:-}" || exit $?

opt_ins=()
for opt in ${ZP_OPT_INS:-}; do
  case "$opt" in
    allow-decrease|allow-cancel|allow-cancel-base) opt_ins+=("--$opt") ;;
    *) refuse "unknown opt-in '$opt' (allow-decrease, allow-cancel, allow-cancel-base)" ;;
  esac
done
case "${ZP_REQUIRE_PRICES:-true}" in
  true) opt_ins+=(--require-prices) ;;
  false) ;;
  *) refuse "require-prices must be true or false, not '${ZP_REQUIRE_PRICES}'" ;;
esac
reports=()
for format in ${ZP_FORMATS//,/ }; do
  case "$format" in
    html) reports+=(--html "$out/plan.html") ;;
    json|markdown) ;;  # always written
    *) refuse "unknown format '$format' (html)" ;;
  esac
done

code=0
sha=""
case "${ZP_COMMAND:-plan}" in
  plan)
    zoomplans validate "${paths[@]}" > "$out/validate.txt" 2>&1 || code=$?
    cat "$out/validate.txt"
    echo "$code" > "$out/validate.exit"
    if [ "$code" = 0 ]; then
      zoomplans plan "${paths[@]}" "${opt_ins[@]}" "${journal[@]}" "${reports[@]}" \
        --out "$out/plan.json" --format markdown --detailed-exitcode > "$out/plan.md" || code=$?
      echo "zoomplans plan exited $code (0 in sync, 2 changes pending, 1 errors or blocked)"
      zp_journal_notice "$out/plan.md"  # no journal: said first in the comment and summary
    fi
    ;;
  apply)
    [ -n "${ZP_PLAN_FILE:-}" ] || refuse "apply needs the plan file to apply (plan-file)"
    [ -n "${ZP_EXPECT_SHA256:-}" ] || refuse "apply needs the reviewed plan_sha256 (expect-sha256)"
    zoomplans apply --plan "$ZP_PLAN_FILE" "${paths[@]}" "${opt_ins[@]}" "${journal[@]}" \
      --expect-sha256 "$ZP_EXPECT_SHA256" --auto-approve 2>&1 | tee "$out/apply.txt"
    code=${PIPESTATUS[0]}
    cp "$ZP_PLAN_FILE" "$out/applied-plan.json" 2>/dev/null || true
    ;;
  *) refuse "command must be plan or apply, not '${ZP_COMMAND}'" ;;
esac

for plan in "$out/plan.json" "$out/applied-plan.json"; do
  if [ -s "$plan" ]; then
    sha=$(python -c 'import json, sys; print(json.load(open(sys.argv[1])).get("plan_sha256") or "")' "$plan")
  fi
done
files=$(find "$out" -maxdepth 1 -type f ! -name outputs.env | sort | tr '\n' ' ')
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "plan_sha256=$sha"
    echo "files=${files% }"
  } >> "$GITHUB_OUTPUT"
else
  # Elsewhere (GitLab: a dotenv report; a shell: `. zoomplans-out/outputs.env`).
  {
    echo "ZOOMPLANS_EXIT_CODE=$code"
    echo "ZOOMPLANS_PLAN_SHA256=$sha"
    echo "ZOOMPLANS_FILES=\"${files% }\""
  } > "$out/outputs.env"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### zoomplans ${ZP_COMMAND:-plan}: exit $code"
    [ -n "$sha" ] && echo "plan_sha256 \`$sha\`"
    echo
    if [ -s "$out/plan.md" ]; then head -c 900000 "$out/plan.md"; fi
    if [ -s "$out/apply.txt" ]; then echo '```'; tail -c 200000 "$out/apply.txt"; echo '```'; fi
  } >> "$GITHUB_STEP_SUMMARY"
fi
if [ "${ZP_COMMAND:-plan}" = plan ] && [ "$code" = 2 ]; then
  exit 0
fi
exit "$code"
