"""The end of each command's `--help`: two or three examples and the link to its manual page.

One place for the manual's address (MANUAL), so a fork or mirror changes one line. Click
re-wraps an epilog's paragraphs; a paragraph that starts with a `\\b` line is kept as written,
which is what keeps each example on its own line.
"""

from __future__ import annotations

#: Where the manual's pages are read online (docs/ in the repository).
MANUAL = "https://github.com/zoomplans/zoomplans/blob/main/docs/"


def epilog(page: str, *examples: str) -> str:
    """`Examples:` with one command per line, then `Manual: <MANUAL><page>`."""
    lines = "\n".join(f"  {example}" for example in examples)
    return f"\b\nExamples:\n{lines}\n\n\b\nManual: {MANUAL}{page}"


VALIDATE_EPILOG = epilog(
    "validate.md",
    "zoomplans validate accounts/",
    "zoomplans validate accounts/ --strict --format json",
)
PLAN_EPILOG = epilog(
    "plan.md",
    "zoomplans plan accounts/",
    "zoomplans plan accounts/ --out plan.json --format markdown --detailed-exitcode",
    "zoomplans plan --account sub_8Jk2Lm --allow-decrease",
)
APPLY_EPILOG = epilog(
    "apply.md",
    "zoomplans apply --plan plan.json --auto-approve",
    "zoomplans apply accounts/ --account sub_8Jk2Lm",
    "zoomplans apply --plan plan.json --journal journal/journal.jsonl",
)
IMPORT_EPILOG = epilog(
    "import.md",
    "zoomplans import --out accounts",
    "zoomplans import --account sub_8Jk2Lm --force",
)
PRICES_EPILOG = epilog(
    "prices.md",
    "zoomplans prices --from-zoom --out prices.yaml",
    "zoomplans prices --from-zoom --currency EUR > prices.yaml",
)
SANDBOX_EPILOG = epilog(
    "sandbox.md",
    "zoomplans sandbox --port 0 --seed examples/sandbox-seed.yaml",
    "zoomplans sandbox --port 0 --read-lag 20 --write-error-rate 0.5 --rng-seed 7",
)
COMPLETION_EPILOG = epilog(
    "completion.md",
    'eval "$(zoomplans completion bash)"',
    "zoomplans completion zsh > ~/.zfunc/_zoomplans",
    "zoomplans completion fish > ~/.config/fish/completions/zoomplans.fish",
)
JOURNAL_LIST_EPILOG = epilog(
    "journal.md",
    "zoomplans journal list --unsettled",
    "zoomplans journal list --account sub_8Jk2Lm --journal .zoomplans/journal.jsonl",
)
JOURNAL_VERIFY_EPILOG = epilog(
    "journal.md",
    "zoomplans journal verify",
    "zoomplans journal verify --journal .zoomplans/journal.jsonl",
)
JOURNAL_RESOLVE_EPILOG = epilog(
    "journal.md",
    'zoomplans journal resolve 5b1e0c7a --not-applied --reason "not on the invoice"',
    'zoomplans journal resolve 5b1e0c7a --applied --reason "shown in the web portal"',
)
JOURNAL_ACKNOWLEDGE_EPILOG = epilog(
    "journal.md",
    'zoomplans journal acknowledge .zoomplans/journal.jsonl:17 --reason "runner lost power"',
    "zoomplans journal acknowledge .zoomplans/journal.jsonl:17 --reason checked --no-journal-lock",
)
JOURNAL_EXPORT_EPILOG = epilog(
    "journal.md",
    "zoomplans journal export --format jsonl --out audit.jsonl",
    "zoomplans journal export --journal postgresql://zoomplans@db.example.com/zoomplans",
)
JOURNAL_IMPORT_EPILOG = epilog(
    "journal.md",
    "zoomplans journal import .zoomplans/journal.jsonl",
    "zoomplans journal import .zoomplans/journal.jsonl --journal postgresql://zoomplans@db/zp",
)
