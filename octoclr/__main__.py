import sys

from octoclr.cli import main

sys.exit(main())
