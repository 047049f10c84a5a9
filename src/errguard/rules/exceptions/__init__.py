"""Exceptions: bare except (EG401), errors swallowed silently (EG402), error text sent to
clients (EG404)."""
