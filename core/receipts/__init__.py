"""Receipts (bonuri fiscale, objects.md §3.10, §5.4, §7.6): till slips that can be refunded or become invoices."""
