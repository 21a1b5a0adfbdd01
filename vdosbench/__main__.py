"""Allow ``python -m vdosbench``."""

from vdosbench.cli import main

raise SystemExit(main())
