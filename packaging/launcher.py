"""The frozen application's entry point: the same ``main`` as the ``sitiv-desktop`` command."""

from sitiv_desktop.cli import main

raise SystemExit(main())
