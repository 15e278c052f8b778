"""`minigrad.nn.functional` is `minigrad.functional`, under the name PyTorch programs import:

import minigrad.nn.functional as F      # the same functions as: import minigrad.functional as F
"""

from ..functional import *  # noqa: F403
from ..functional import __all__  # noqa: F401
