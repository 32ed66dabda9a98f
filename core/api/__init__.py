"""The HTTP layer: the Litestar app factory, error mapping, JSON helpers."""
