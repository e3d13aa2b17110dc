"""Backups of the whole site system (SOP 2 step 2, SOP 3 D7)."""
