import sys

from tooling.audit import main

sys.exit(main())
