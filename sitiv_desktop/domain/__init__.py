"""What services hand out: enums and frozen dataclasses, free of SQLAlchemy and Qt."""
