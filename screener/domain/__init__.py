"""The pure core: events, state, rules and the decision policy. Imports nothing that does I/O."""
