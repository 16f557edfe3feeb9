"""Fixtures for the review API: a running server on real Redis and Kafka, per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from screener.adapters.kafka_admin import delete_topics, ensure_topics
from screener.api.users import disable_user
from screener.settings import Settings
from tests.integration.api.support import (
    ROLES,
    ReviewApi,
    ServerThread,
    delete_prefix,
    isolated_env,
    start_review,
)

# Users every review test starts with: one of each role, a second officer, a disabled one.
USERS = (
    ("viewer", "viewer"),
    ("officer", "officer"),
    ("supervisor", "supervisor"),
    ("officer2", "officer"),
    ("supervisor2", "supervisor"),
    ("gone", "officer"),
)

ReviewFactory = Callable[..., ReviewApi]


@pytest.fixture
def review_factory(services: dict[str, str]) -> Iterator[ReviewFactory]:
    """Start isolated review deployments; `overrides` are SCREENER_* settings."""
    started: list[tuple[ServerThread, ReviewApi]] = []

    def start(**overrides: str) -> ReviewApi:
        settings = Settings.from_env(isolated_env(services, **overrides))
        if "SCREENER_KAFKA_BOOTSTRAP" not in overrides:  # a test pointing at no Kafka
            ensure_topics(settings)
        server, api = start_review(settings, USERS)
        started.append((server, api))
        response = api.call("GET", "/api/me", "gone")
        assert response.status == 200
        disable_user(settings, "gone")
        return api

    yield start
    for server, api in started:
        server.stop()
        api.close()
        delete_prefix(api.redis, api.settings.redis_prefix)
        api.redis.close()
        if api.settings.kafka_bootstrap == services["SCREENER_KAFKA_BOOTSTRAP"]:
            delete_topics(api.settings)


@pytest.fixture
def review(review_factory: ReviewFactory) -> ReviewApi:
    return review_factory()


__all__ = ["ROLES", "ReviewFactory"]
