"""Work that makes many small containers and no cycles runs with Python's cycle collector paused.

Planning 10,000 accounts allocates about a million dicts, lists and frozen objects, every one
freed by reference counting as soon as it is dropped; none forms a reference cycle. CPython's
cycle collector does not know that: each few hundred allocations it walks the young objects, and
as the plan grows it walks the whole heap again (the answers read, the accounts, the plan so
far), which cost about a sixth of planning's CPU time (issue 19). Loading the desired files is
the same kind of work (600 files: some 30,000 containers kept, and a full walk of the heap
in the middle of it cost about 15% of the load). Pausing it for the duration
changes no result and frees nothing later than it would be freed anyway; a cycle made meanwhile
(an exception kept with its traceback) is collected at the next collection after the work.
It sits under every layer, as both the planner and `desired/` use it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause the cycle collector inside the block; a caller that paused it keeps it paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
