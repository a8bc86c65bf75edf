"""File connectors: a folder of JSON / JSON-lines envelopes in, one JSON file per command out."""

from .sink import FileSink
from .source import FileSource

__all__ = ["FileSink", "FileSource"]
