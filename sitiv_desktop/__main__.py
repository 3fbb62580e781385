from sitiv_desktop.cli import main

raise SystemExit(main())
