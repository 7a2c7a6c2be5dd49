"""`zoomplans import`: turn the live plans of a master account's sub-accounts into YAML files.

Public names: `import_accounts` and `ImportRequest` (run an import through a Zoom client),
`ImportReport`, `FileOutcome`, `AccountNote` (what happened), `ImportStopped`, and the pieces
other code may reuse: `imported_account` (GET /plans answer -> desired shape),
`render_account_file` (that shape -> YAML text that reads back exactly) and `file_name`.
"""

from reconciler.importing.document import (
    FileHeader,
    ImportedAccount,
    ImportRenderError,
    render_account_file,
)
from reconciler.importing.files import ImportFileError, file_name, file_names, slug
from reconciler.importing.run import (
    AccountNote,
    FileOutcome,
    ImportReport,
    ImportRequest,
    ImportStopped,
    PlansReader,
    import_accounts,
)
from reconciler.importing.shape import UnreadablePlans, answer_as_desired, imported_account

__all__ = [
    "AccountNote",
    "FileHeader",
    "FileOutcome",
    "ImportFileError",
    "ImportRenderError",
    "ImportReport",
    "ImportRequest",
    "ImportStopped",
    "ImportedAccount",
    "PlansReader",
    "UnreadablePlans",
    "answer_as_desired",
    "file_name",
    "file_names",
    "import_accounts",
    "imported_account",
    "render_account_file",
    "slug",
]
