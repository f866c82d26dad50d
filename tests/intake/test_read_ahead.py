"""read_ahead: the consumer sees the producer's items in order, its failure, and can stop it early."""

from __future__ import annotations

import threading

import pytest

from remiss.services.intake.read_ahead import read_ahead


def test_items_arrive_in_order_from_another_thread():
    threads: set[str] = set()

    def numbers():
        for n in range(100):
            threads.add(threading.current_thread().name)
            yield n

    assert list(read_ahead(numbers(), depth=3)) == list(range(100))
    assert threads == {"remiss-read-ahead"}


def test_a_failing_producer_fails_the_consumer_after_its_items():
    def failing():
        yield 1
        yield 2
        raise ValueError("trasig källa")

    seen = []
    with pytest.raises(ValueError, match="trasig källa"):
        for item in read_ahead(failing(), depth=1):
            seen.append(item)
    assert seen == [1, 2]


def test_stopping_early_closes_the_source():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    ahead = read_ahead(endless(), depth=2)
    assert [next(ahead) for _ in range(5)] == [0, 1, 2, 3, 4]
    ahead.close()
    assert closed.wait(5)
