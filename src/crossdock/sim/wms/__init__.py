"""crossdock.sim.wms: a warehouse management system emulator speaking crossdock's WMS contract v1."""

from .operator import WmsOperator
from .server import WmsServer
from .sscc import gs1_check_digit, make_sscc
from .warehouse import WmsConfig

__all__ = ["WmsConfig", "WmsOperator", "WmsServer", "gs1_check_digit", "make_sscc"]
