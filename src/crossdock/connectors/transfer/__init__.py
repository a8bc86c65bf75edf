"""File transfer with partners: SFTP or a watched folder, a safe file lifecycle, duplicate
detection, and CSV feeds normalized to canonical documents. See docs/file-transfer.md."""

from .sink import FileTransferSink, FileTransferSinkOptions
from .source import FileTransferSource, FileTransferSourceOptions
from .transport import LocalDirectory, Sftp, TransferError

__all__ = [
    "FileTransferSink",
    "FileTransferSinkOptions",
    "FileTransferSource",
    "FileTransferSourceOptions",
    "LocalDirectory",
    "Sftp",
    "TransferError",
]
