"""``python -m octoclr.simulator``: run the simulator (see :mod:`octoclr.simulator.server`)."""

import sys

from octoclr.simulator.server import main

sys.exit(main())
