"""Identity and tenancy: users, organisations, memberships, companies, tokens, permissions."""
