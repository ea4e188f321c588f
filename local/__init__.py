"""Local tools (stand-ins for third parties). Lambda code lives in ``functions/``; the
local tools reuse some of it (e.g. ``expedia.signature``), so ``functions`` goes on the
import path here, as ``pytest.ini`` does for the tests."""

import sys
from pathlib import Path

_FUNCTIONS = str(Path(__file__).resolve().parent.parent / "functions")
if _FUNCTIONS not in sys.path:
    sys.path.append(_FUNCTIONS)
