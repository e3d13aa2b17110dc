"""The IT service ticket module (SOP 3, sections A–D)."""
