from __future__ import annotations

import sys

from errguard.cli import main

sys.exit(main())
