"""The event-time merge of the input topics (screener/event_time_order.py)."""

from __future__ import annotations

from screener.event_time_order import EventTimeOrder

TOPICS = ("events", "loans", "transfers")
Item = tuple[str, int, float | None, str]  # topic, partition, event time, name


def order(max_wait: float = 1.5) -> EventTimeOrder[Item]:
    return EventTimeOrder(
        TOPICS, max_wait, event_time=lambda item: item[2], where=lambda item: (item[0], item[1])
    )


def names(items: list[Item]) -> list[str]:
    return [item[3] for item in items]


def everything_read(tp: tuple[str, int]) -> bool:
    return True


def test_partition_n_is_merged_by_event_time_with_customer_events_first_on_ties() -> None:
    merge = order()
    merge.add([("loans", 0, 20.0, "loan"), ("transfers", 0, 10.0, "transfer")])
    merge.add([("events", 0, 5.0, "optout"), ("events", 0, 20.0, "code")])
    released, waits = merge.release(everything_read, now=0.0)
    assert names(released) == ["optout", "transfer", "code", "loan"]
    assert waits == [] and merge.held() == 0


def test_a_loan_waits_while_the_other_topic_of_its_partition_is_not_read_to_its_end() -> None:
    merge = order()
    merge.add([("loans", 0, 20.0, "loan"), ("loans", 1, 20.0, "other partition")])
    unread = {("events", 0)}
    released, _ = merge.release(lambda tp: tp not in unread, now=0.0)
    assert names(released) == ["other partition"]
    assert merge.held() == 1
    merge.add([("events", 0, 10.0, "optout")])
    released, waits = merge.release(lambda tp: tp not in unread, now=0.5)
    # The optout comes first; then the events queue is empty and unread again: the loan
    # waits on (an event of time 10..20 may still come), its wait counting afresh.
    assert names(released) == ["optout"]
    assert waits == [0.5]
    unread.clear()
    released, _ = merge.release(lambda tp: tp not in unread, now=0.6)
    assert names(released) == ["loan"]


def test_the_wait_is_bounded_so_a_topic_that_cannot_be_read_never_stops_the_stream() -> None:
    merge = order(max_wait=1.5)
    merge.add([("transfers", 2, 30.0, "t1"), ("loans", 2, 10.0, "l1")])
    never = {("events", 2)}
    assert merge.release(lambda tp: tp not in never, now=100.0)[0] == []
    assert merge.release(lambda tp: tp not in never, now=101.0)[0] == []
    released, waits = merge.release(lambda tp: tp not in never, now=101.5)
    assert names(released) == ["l1", "t1"]
    assert waits == [1.5]


def test_offset_order_is_kept_within_a_topic_partition() -> None:
    merge = order()
    # Out of time order within one partition: offsets still go in order, so a commit of
    # "the next offset after the last screened" never skips a record.
    merge.add([("transfers", 0, 50.0, "late-stamped"), ("transfers", 0, 10.0, "next")])
    merge.add([("loans", 0, 20.0, "loan")])
    released, _ = merge.release(everything_read, now=0.0)
    assert names(released) == ["loan", "late-stamped", "next"]


def test_undecodable_records_go_first_and_revoked_partitions_are_forgotten() -> None:
    merge = order()
    merge.add([("loans", 0, 20.0, "loan"), ("loans", 0, None, "garbage")])
    merge.add([("transfers", 1, None, "bad"), ("transfers", 1, 5.0, "t")])
    merge.drop([("loans", 0)])
    released, _ = merge.release(everything_read, now=0.0)
    assert names(released) == ["bad", "t"]
    assert merge.held() == 0
