"""Site health (SOP 2 steps 1 and 4): checks, confirmation, incidents, freshness."""
