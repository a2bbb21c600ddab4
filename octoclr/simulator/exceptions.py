"""Errors the simulator's backend raises; each carries the HTTP status a real server answers with."""

from __future__ import annotations

from typing import Any, Optional, Sequence


class ApiError(Exception):
    """A request the server refuses. Rendered as the Octopus error body by the app."""

    status = 400

    def __init__(
        self,
        message: str,
        errors: Optional[Sequence[str]] = None,
        *,
        help_text: Optional[str] = None,
        details: Optional[dict[str, Any]] = None,
        headers: Optional[dict[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.headers = headers or {}
        self.message = message
        self.errors = list(errors) if errors is not None else [message]
        self.help_text = help_text
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        return {
            "ErrorMessage": self.message,
            "Errors": self.errors,
            "HelpText": self.help_text,
            "FullException": None,
            "Details": self.details,
        }


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class MethodNotAllowed(ApiError):
    status = 405


class Conflict(ApiError):
    status = 409


class PayloadTooLarge(ApiError):
    status = 413


def validation_failed(errors: Sequence[str]) -> BadRequest:
    """The real server's wording for a resource that failed validation."""
    return BadRequest("There was a problem with your request.", list(errors))
