"""warta: publishing and operations toolkit for an Indonesian court's public website."""

__version__ = "0.1.0"
