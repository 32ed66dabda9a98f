"""Documents: lifecycle, numbering, totals, storno and credit notes; drafts, issuing, incoming imports."""
