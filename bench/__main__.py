"""`python -m bench [--only NAME[,NAME]] [--quick]`."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")

from bench.runner import main  # noqa: E402

sys.exit(main())
