import sys

from yibao.cli import main

sys.exit(main())
