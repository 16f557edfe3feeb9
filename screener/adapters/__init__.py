"""Adapters: Kafka, Redis and HTTP around the pure core."""
