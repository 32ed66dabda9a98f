"""API keys (objects.md §8.3, §3.16): scoped, revocable credentials bound to a user and an organisation."""
