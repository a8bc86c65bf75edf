"""crossdock's own ANSI X12 codec: tokenizer, envelope checks, set definitions, validator, generator, acks.

See docs/edi.md. Typical use::

    doc = read(data, policy="lenient", profile=partner_profile)
    if doc.accepted: ...            # envelope acceptable under the policy
    ack = build_acknowledgment(doc, "997", control_numbers)
"""

from .acks import build_acknowledgment, read_acknowledgments
from .control import ControlNumbers, InMemoryControlNumbers
from .errors import CATALOGUE, EdiError, GenerationError
from .generator import EnvelopeSettings, OutboundSet, generate_interchange
from .model import LENIENT, STRICT, Document, Policy
from .parser import parse, read, read_file
from .schema import load_profile, load_set
from .tokenizer import Delimiters, tokenize

__all__ = [
    "CATALOGUE",
    "LENIENT",
    "STRICT",
    "ControlNumbers",
    "Delimiters",
    "Document",
    "EdiError",
    "EnvelopeSettings",
    "GenerationError",
    "InMemoryControlNumbers",
    "OutboundSet",
    "Policy",
    "build_acknowledgment",
    "generate_interchange",
    "load_profile",
    "load_set",
    "parse",
    "read",
    "read_acknowledgments",
    "read_file",
    "tokenize",
]
