"""`make bench`: the worker's throughput and latency on real Kafka and Redis, against ceilings.

`deployment` starts an isolated worker (its own topics, consumer group and Redis prefix);
`kafka_io` produces, paces and watches topics; `blockcheck` times the block-list lookups a
payment system makes; `profiling` samples the worker with py-spy; `results` holds the
figures; `markdown` writes BENCHMARKS.md; `__main__` runs the phases in order.
"""
