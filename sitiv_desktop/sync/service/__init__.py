"""The sync service: the one program that reads and writes the shared database.

Laptops reach it over HTTP with a token; it merges their changes, numbers them in commit order,
keeps the change log and the accounts, and shows each user exactly their scope.
"""
