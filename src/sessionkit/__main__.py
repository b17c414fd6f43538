from sessionkit.cli import main

raise SystemExit(main())
