"""Workbook files: opening them safely, reading the sheets partnersheet needs, writing a
review back, locks, and the template of a new workbook."""
