"""Audit entries as the review API writes and shows them.

`AuditEntry` and the hash chains live in the pure core (`screener.domain.audit`); the
store commits each entry with the change it records (`screener.adapters.audit_log`).
"""

from __future__ import annotations

from screener.domain.audit import AuditEntry

__all__ = ["AuditEntry"]
