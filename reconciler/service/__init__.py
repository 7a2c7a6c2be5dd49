"""The library entry points of `plan` and `apply`: a typed request in, a plan or report out.

The click commands in ``reconciler.cli`` only parse their options into a request, call one
function here and render what comes back (as octoDNS's ``cmds/sync.py`` does over
``Manager.sync``). Every decision (what is refused, what is asked, what a saved plan may do)
lives here, so tests reach it without click.
"""
