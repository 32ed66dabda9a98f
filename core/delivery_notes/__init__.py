"""Delivery notes (avize, objects.md §3.9, §5.3): goods documents that can become draft invoices."""
