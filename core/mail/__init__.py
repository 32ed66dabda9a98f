"""Outgoing e-mail: a durable outbox in the database, delivered by SMTP or kept in a directory."""
