"""The contract's error shape: every failure is `{"error": {"code", "message", "field"}}`."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def bad_request(message: str, field: str | None = None, code: str = "VALIDATION_ERROR") -> ApiError:
    return ApiError(400, code, message, field)


def unprocessable(code: str, message: str, field: str | None = None) -> ApiError:
    return ApiError(422, code, message, field)


def not_found(what: str, key: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", f"{what} {key!r} not found")


def conflict(code: str, message: str, field: str | None = None) -> ApiError:
    return ApiError(409, code, message, field)
