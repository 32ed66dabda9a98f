"""Proforma invoices (objects.md §3.7, §5.2): non-fiscal offers that can become draft invoices."""
