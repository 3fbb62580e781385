"""The briefing packs as PDF: reportlab Platypus documents written to a binary stream.

Each pack module takes the frozen records a service gathered and runs no query of its own.
"""
