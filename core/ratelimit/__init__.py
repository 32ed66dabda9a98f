"""Rate limits (objects.md §9): limiter definitions, an in-memory and a Redis backend, the
middleware that guards the public endpoints, and the per-credential bucket of authenticated calls."""
