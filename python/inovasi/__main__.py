"""``python3 -m inovasi`` and the ``inovasi`` console script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
