"""Visitor activity (SOP 2 step 3): access-log figures and suspicious-activity detection."""
