"""Chasing: reminders on the policy's days, extensions, the tracking workbook."""
