import os
import sys

# Tests run against the installed package (pip install ./python), not the
# source folder beside them.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(HERE)]
