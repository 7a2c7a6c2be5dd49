# Which journal a zoomplans CI job uses. Sourced (bash) by scripts/ci_run.sh, the step script of
# the GitHub Action and the GitLab component, and by the jobs of examples/ci/gitlab-ci.yml, so
# every job decides it the same way. It never prints the database URL.
#
#   zp_journal COMMAND CHOICE
#     COMMAND  plan | apply
#     CHOICE   database  the PostgreSQL journal (recommended): its URL is in the job's
#                        environment as ZOOMPLANS_JOURNAL_URL, from a protected secret, and
#                        zoomplans reads it there (never on a command line, never in a log)
#              FILE      a file journal, e.g. journal/journal.jsonl: the CI-cache variant for
#                        small teams (FILE's folder travels in the CI cache)
#              ""        no choice: zoomplans' own default (the variable, else `journal:` in
#                        zoomplans.yaml, else .zoomplans/journal.jsonl)
#
# Sets the array `journal` (the arguments to give zoomplans) and `journal_notice` (a sentence
# for the plan's readers, or empty; also printed as a warning). Returns 0; 64 for a choice it
# cannot honour; 1 for an apply without its journal: nothing is sent without the memory that
# prevents a second purchase.
#
#   zp_journal_notice MARKDOWN_FILE   puts that sentence first in the plan reviewers read.
zp_journal() {
  local command="$1" choice="$2"
  journal=()
  journal_notice=""
  case "$choice" in
    postgresql://* | postgres://*)
      echo "zoomplans CI: the journal's URL must not be given as the journal (an input or a command line is shown in logs): set ZOOMPLANS_JOURNAL_URL in the job's environment from a secret, and give the journal as 'database'" >&2
      return 64
      ;;
    database)
      [ -n "${ZOOMPLANS_JOURNAL_URL:-}" ] && return 0 # zoomplans reads the variable itself
      if [ "$command" = apply ]; then
        echo "zoomplans CI: the journal is 'database' but ZOOMPLANS_JOURNAL_URL is empty in this job (the secret is missing, or not given to this job or branch); apply sends nothing without its journal" >&2
        return 1
      fi
      # A pull request from a fork gets no secrets: plan all the same, on an empty journal.
      journal_notice="No journal: ZOOMPLANS_JOURNAL_URL is empty in this job (a pull request from a fork gets no secrets), so this plan was made without the journal. Purchases an apply made that Zoom does not show yet (calls in flight) are not shown, and may appear here as calls to make; the apply after the merge reads the journal and will not send them again."
      journal=(--journal "$(mktemp -d)/journal.jsonl")
      if [ -n "${GITHUB_ACTIONS:-}" ]; then
        echo "::warning::$journal_notice"
      else
        echo "zoomplans CI: $journal_notice" >&2
      fi
      ;;
    "") ;;
    *)
      if [ -n "${ZOOMPLANS_JOURNAL_URL:-}" ]; then
        echo "zoomplans CI: two journals named, the file '$choice' and ZOOMPLANS_JOURNAL_URL: give the journal as 'database' to use the database, or leave the variable empty to use the file" >&2
        return 64
      fi
      journal=(--journal "$choice")
      ;;
  esac
  return 0
}

zp_journal_notice() {
  [ -n "${journal_notice:-}" ] && [ -f "$1" ] || return 0
  { printf '> [!WARNING]\n> %s\n\n' "$journal_notice" && cat "$1"; } > "$1.new" && mv "$1.new" "$1"
}
