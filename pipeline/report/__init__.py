"""The situation report to the penanggung jawab (SOP 2 step 5)."""
