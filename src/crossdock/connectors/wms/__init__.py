"""The WMS connector: one contract, any WMS by a profile (YAML), signed webhooks, an ordered feed."""
