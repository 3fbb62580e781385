"""Push and pull between the local copy and the shared database, field by field."""
