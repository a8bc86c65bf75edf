"""An Odoo 16.0-19.0 emulator speaking XML-RPC, JSON-RPC and JSON-2, backed by SQLite.

Typical use in tests::

    from crossdock.sim.odoo import OdooServer, open_database, seed

    with OdooServer(seed(open_database(":memory:", "17.0"), skus=50)) as srv:
        ...  # point any Odoo client at srv.url (database "crossdock", admin / admin)
"""

from __future__ import annotations

from .orm import Database, open_database
from .seed import seed
from .server import OdooServer
from .versions import SUPPORTED

__all__ = ["SUPPORTED", "Database", "OdooServer", "open_database", "seed"]
