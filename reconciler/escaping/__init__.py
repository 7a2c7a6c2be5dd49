"""Untrusted text made inert for each kind of output, one module per kind.

Names, labels, comments, reasons, types, paths and messages come from files a pull request
writes or from Zoom's answers. Printed raw, a newline forges a line of the review (a fake
`Plan: ...` summary), an escape sequence moves a terminal's cursor just before apply's `yes`
prompt, and a blank line or a tag breaks a Markdown comment's `<details>` open. Every value
from outside passes through the module of the output it reaches: `terminal` (text output,
messages, prompts), `markdown` (the pull-request comment), `html` (the report). This package
imports only the standard library, so every stage may use it.
"""
