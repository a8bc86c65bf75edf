"""Governance: the ownership matrix and validation rules applied to every inbound message."""

from .ownership import ANYONE, DEFAULT_OWNERSHIP, OwnershipMatrix

__all__ = ["ANYONE", "DEFAULT_OWNERSHIP", "OwnershipMatrix"]
