"""The review API and the officers' page (`screener api`), and user management (`screener users`).

Modules by concern: `auth` (users, tokens, roles, sessions), `store` (every Redis access),
`publisher` (hold changes to Kafka), `holds` (queue, claims, release, confirm fraud),
`follow` (follow-the-money), `blocklist`, `audit`, `handlers` (HTTP in and out),
`server` (the aiohttp app), `users` (the CLI).
"""
