"""crossdock: the integration hub between Odoo, warehouses and carriers."""

__version__ = "0.1.0"
