"""Allow ``python -m vdosbench``."""

from vdosbench.benchmark.cli import main

raise SystemExit(main())
