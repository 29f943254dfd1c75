"""Paper questionnaires: printed sheets, keyboard entry and double entry (staff pages)."""
