"""The audit chain's pure core: sealing and verifying, edits and gaps found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from screener.domain.audit import AuditEntry, ChainHead, record_hash, seal_all, verify

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def entries(n: int, hold_id: str = "h1") -> list[AuditEntry]:
    return [
        AuditEntry(
            action="note",
            by="officer",
            role="officer",
            at=T0 + timedelta(minutes=i),
            hold_id=hold_id,
            note=f"note {i}",
        )
        for i in range(n)
    ]


def test_sealed_entries_link_each_to_the_one_before() -> None:
    records, heads = seal_all(entries(3), {})
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert records[0]["prev_hash"] == ""
    assert records[1]["prev_hash"] == records[0]["hash"]
    assert records[2]["prev_hash"] == records[1]["hash"]
    assert heads == {"hold:h1": ChainHead(3, records[2]["hash"])}
    assert all(record_hash(r) == r["hash"] for r in records)
    report = verify(records, heads)
    assert report.ok and (report.chains, report.entries) == (1, 3)


def test_sealing_continues_after_a_stored_head() -> None:
    first, heads = seal_all(entries(2), {})
    more, _ = seal_all(entries(2), heads)
    assert [r["seq"] for r in more] == [3, 4] and more[0]["prev_hash"] == first[1]["hash"]
    assert verify([*first, *more]).ok


def test_an_edited_entry_is_found() -> None:
    records, _ = seal_all(entries(3), {})
    records[1] = {**records[1], "note": "nothing to see"}
    report = verify(records)
    assert not report.ok
    assert any("hold:h1 #2" in p and "edited" in p for p in report.problems)


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link() -> None:
    records, _ = seal_all(entries(3), {})
    forged = {**records[1], "note": "forged"}
    forged["hash"] = record_hash(forged)
    report = verify([records[0], forged, records[2]])
    assert any("#3: prev_hash" in p for p in report.problems)


def test_a_deleted_entry_leaves_a_gap() -> None:
    records, _ = seal_all(entries(4), {})
    report = verify([records[0], records[1], records[3]])
    assert any("hold:h1 #3: missing" in p for p in report.problems)


def test_entries_cut_from_the_end_are_found_against_the_heads() -> None:
    records, heads = seal_all([*entries(3), *entries(1, "h2")], {})
    assert verify(records[:2], {"hold:h1": heads["hold:h1"]}).problems == [
        "hold:h1: Redis counts 3 entries, the topic ends at #2 (removed)"
    ]
    whole_chain_gone = verify(records[:3], heads)
    assert any(p.startswith("hold:h2: Redis counts 1") for p in whole_chain_gone.problems)


def test_a_republished_entry_counts_once_and_a_fork_is_an_edit() -> None:
    records, _ = seal_all(entries(2), {})
    assert verify([records[0], records[0], records[1]]).ok
    other, _ = seal_all(entries(1, "h1")[:1], {})
    other[0] = {**other[0], "note": "another first entry"}
    other[0]["hash"] = record_hash(other[0])
    assert any("two different entries" in p for p in verify([*records, other[0]]).problems)


def test_the_entity_acted_on_names_the_chain() -> None:
    hold, account, user = (
        AuditEntry("release", "o", "officer", T0, hold_id="h"),
        AuditEntry("block", "s", "supervisor", T0, account="+77011234567"),
        AuditEntry("user_add", "cli:x", "supervisor", T0, entity_kind="user", entity_id="ann"),
    )
    assert (hold.chain, account.chain, user.chain) == (
        ("hold", "h"),
        ("account", "+77011234567"),
        ("user", "ann"),
    )
