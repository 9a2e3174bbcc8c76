import sys

from regionready.cli import main

sys.exit(main())
