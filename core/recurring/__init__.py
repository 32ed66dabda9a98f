"""Recurring invoice templates and their scheduled generation (objects.md §3.11)."""
