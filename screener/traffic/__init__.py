"""Realistic synthetic traffic: a seeded population, its everyday payments and loans, and
labelled scam scenarios (DOMAIN §2), written to Kafka or to JSONL files.

`population` draws the people, businesses and lenders; `events` builds contract-shaped
events and collects them with their labels; `benign` plays everyday life; `scenarios` plays
the scams; `sinks` writes the result; `generate` is the `screener generate` command.
"""
