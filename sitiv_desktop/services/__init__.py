"""Use cases: each takes a session, returns frozen domain records, raises typed errors."""
