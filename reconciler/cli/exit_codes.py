"""The pinned exit codes (SPEC section 4)."""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_PENDING = 2  # only with --detailed-exitcode: success, and actions are pending
EXIT_USAGE = 64
