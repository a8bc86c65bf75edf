"""crossdock.sim.tpl: a 3PL reached only through SFTP and X12 EDI, backed by the WMS emulator.

See docs/tpl-emulator.md.
"""

from .emulator import TplConfig, TplEmulator
from .faults import MALFORMED_KINDS

__all__ = ["MALFORMED_KINDS", "TplConfig", "TplEmulator"]
