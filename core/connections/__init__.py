"""A company's authorisation at a provider: stored OAuth tokens (sealed at rest), the browser
consent flow, and one-time links letting another person authorise (endpoints.tsv area ``anaf``).

Provider-neutral: everything provider-specific (consent URL, code exchange, access check) goes
through the hooks ``storno_authorize_url``, ``storno_exchange_code`` and ``storno_check_access``.
"""
