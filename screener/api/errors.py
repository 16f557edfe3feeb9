"""Failures the review service reports; the HTTP layer turns each into its status code."""

from __future__ import annotations


class ReviewError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ReviewError):
    status = 400
    code = "bad_request"


class Unauthorized(ReviewError):
    status = 401
    code = "unauthorized"


class Forbidden(ReviewError):
    status = 403
    code = "forbidden"


class NotFound(ReviewError):
    status = 404
    code = "not_found"


class Conflict(ReviewError):
    status = 409
    code = "conflict"


class TooManyRequests(ReviewError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
