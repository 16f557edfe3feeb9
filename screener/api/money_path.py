"""The money's path from a hold: the accounts it went through, as nodes and edges the page
draws as a graph.

After a confirmed fraud the edges are follow-the-money's steps, with what became of each
(proposed, approved, rejected, below the floor). Before, they are the transfers the worker
saw leave the receiving account after the money arrived, hop by hop, so an officer sees at
a glance where the money went. Each account says whether it is blocked, each transfer
whether it is held.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from screener.api.store import ReviewStore
from screener.records import amount_text

# A preview looks this far: enough to see a mule chain, bounded for a hub account.
PREVIEW_HOPS = 3
PREVIEW_WINDOW_SECONDS = 72 * 3600
MAX_EDGES = 60


async def money_path(
    store: ReviewStore,
    hold_id: str,
    fields: dict[str, str],
    follow: dict[str, Any] | None,
) -> dict[str, Any] | None:
    sender, receiver = fields.get("sender_account", ""), fields.get("receiver_account", "")
    if fields.get("event_type") != "transfer" or not receiver:
        return None
    edges: list[dict[str, Any]] = [
        {
            "hop": 0,
            "event_id": fields.get("event_id", hold_id),
            "from": sender,
            "to": receiver,
            "amount": fields.get("amount", ""),
            "currency": fields.get("currency") or "KZT",
            "at": fields.get("created_at", ""),
            "state": "this_hold",
        }
    ]
    if follow is not None:
        for step in follow.get("steps", [])[:MAX_EDGES]:
            edges.append(
                {
                    "hop": step["hop"],
                    "event_id": step["event_id"],
                    "from": step["from_account"],
                    "to": step["to_account"],
                    "amount": step["amount"],
                    "currency": step.get("currency", "KZT"),
                    "at": step["at"],
                    "state": step.get("state", "applied"),
                }
            )
    else:
        edges.extend(await _preview(store, fields.get("event_id", hold_id), receiver))
    accounts = list(dict.fromkeys(a for e in edges for a in (e["from"], e["to"]) if a))
    blocks = await store.blocks(accounts)
    holds = await store.holds([e["event_id"] for e in edges])
    for edge, hold in zip(edges, holds, strict=True):
        edge["hold_status"] = hold.get("status") if hold else None
    return {
        "hold_id": hold_id,
        "confirmed": follow is not None,
        "nodes": [
            {
                "account": account,
                "blocked": block is not None,
                "block_rule": block.get("rule") if block else None,
                "victim": account == sender,
            }
            for account, block in zip(accounts, blocks, strict=True)
        ],
        "edges": edges,
        "truncated": len(edges) > MAX_EDGES or bool(follow and follow.get("truncated")),
    }


async def _preview(store: ReviewStore, event_id: str, receiver: str) -> list[dict[str, Any]]:
    arrived = next((f.at for f in await store.inbound(receiver) if f.event_id == event_id), None)
    if arrived is None:
        return []
    edges: list[dict[str, Any]] = []
    seen = {receiver}
    frontier = [(receiver, arrived)]
    for hop in range(1, PREVIEW_HOPS + 1):
        next_frontier = []
        for account, at in frontier:
            for flow in await store.outbound(account, at, at + PREVIEW_WINDOW_SECONDS):
                if len(edges) >= MAX_EDGES:
                    return edges
                edges.append(
                    {
                        "hop": hop,
                        "event_id": flow.event_id,
                        "from": account,
                        "to": flow.counterparty,
                        "amount": amount_text(flow.amount_minor),
                        "currency": "KZT",
                        "at": datetime.fromtimestamp(flow.at, UTC).isoformat(),
                        "state": "observed",
                    }
                )
                if flow.counterparty not in seen:
                    seen.add(flow.counterparty)
                    next_frontier.append((flow.counterparty, flow.at))
        frontier = next_frontier
    return edges
