"""Control numbers: per scope and kind, increasing, never reused across restarts or threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from crossdock.core.counters import StoreCounters
from crossdock.core.store import open_store


def test_counters_increase_per_scope_and_survive_a_restart(store_url):
    store = open_store(store_url)
    counters = StoreCounters(store)
    assert [counters.next("ACME", "isa") for _ in range(3)] == [1, 2, 3]
    assert counters.next("ACME", "gs") == 1
    assert counters.next("OTHER", "isa") == 1
    store.dispose()
    reopened = open_store(store_url)
    assert StoreCounters(reopened).next("ACME", "isa") == 4
    reopened.dispose()


def test_concurrent_callers_never_share_a_number(store_url):
    store = open_store(store_url)
    counters = StoreCounters(store, start=100)
    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = list(pool.map(lambda _: counters.next("ACME", "st"), range(200)))
    assert sorted(numbers) == list(range(100, 300))
    store.dispose()
