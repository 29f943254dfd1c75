"""Text cells of the CSV files people open in a spreadsheet, kept from being run as formulas.

Excel (and LibreOffice, WPS) take a cell that starts with = + - @, a tab or a carriage return
for a formula: a comment typed on a phone as '=HYPERLINK("http://…","点此查看")' becomes a live
link on the staff member's computer, and a village named '=1+2' a sum. OWASP's advice for CSV
files meant for a spreadsheet is a leading apostrophe, which makes the cell text.

The files are also read back (the responses CSV is imported again, the report's CSV is read for
its sample counts), so the apostrophe must come off again, and only where `csv_cell` put it:
a text that itself starts with an apostrophe before such a character gets one more. Writing
then reading gives back every text exactly; a number ("-5", "+1.5") is not a formula and is left
as it is.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(text: str) -> bool:
    """Whether the text, after any apostrophes of its own, would be run as a formula."""
    text = text.lstrip("'")
    if not text.startswith(FORMULA_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def csv_cell(value) -> str:
    """The text of `value` for a CSV cell, with an apostrophe before a would-be formula."""
    text = "" if value is None else str(value)
    return "'" + text if _needs_apostrophe(text) else text


def csv_cell_read(text: str) -> str:
    """The text `csv_cell` was given: its apostrophe taken off, and only that one."""
    if text.startswith("'") and _needs_apostrophe(text[1:]):
        return text[1:]
    return text
