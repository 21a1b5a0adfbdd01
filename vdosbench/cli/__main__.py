"""Allow ``python -m vdosbench.cli`` (as ``python -m vdosbench``)."""

from vdosbench.cli import main

raise SystemExit(main())
