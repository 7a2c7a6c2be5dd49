"""zoomplans: keep the paid plans of Zoom sub-accounts in git and reconcile Zoom to match."""

__version__ = "0.1.0"
