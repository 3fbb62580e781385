"""The command line: the same use cases as the window, without one.

``entry.main`` reads the arguments and runs one row of the table of commands
(``commands.COMMANDS``); each group of commands has its module (``records``, ``files``,
``packs``, ``server``, ``laptop_sync``), and ``output`` prints tables, JSON and errors.
"""

from sitiv_desktop.cli.entry import main

__all__ = ["main"]
