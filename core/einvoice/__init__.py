"""Per-company e-invoice provider configuration and the provider catalogue (endpoints.tsv area ``einvoice``)."""
