"""Wall and CPU seconds of a run's parts (``volltrack.io.timing``), as ``volltrack run`` prints them."""

from __future__ import annotations

import threading
import time

from volltrack.io.timing import Timings, collecting, current, timed


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_timed_does_nothing_without_a_collection():
    assert current() is None
    with timed("anything"):
        _spin(0.01)
    assert current() is None


def test_parts_are_listed_in_the_order_they_start_with_wall_cpu_and_count():
    with collecting() as timings:
        with timed("stage"):
            for _ in range(2):
                with timed("stage/part"):
                    _spin(0.02)
        with timed("other"):
            pass
    assert list(timings.parts) == ["stage", "stage/part", "other"]
    part, stage = timings.parts["stage/part"], timings.parts["stage"]
    assert part.count == 2 and stage.count == 1
    assert part.cpu >= 0.04 and stage.cpu >= part.cpu and stage.wall >= part.wall >= part.cpu * 0.5
    lines = timings.lines()
    assert lines[0].startswith("stage ") and lines[1].startswith("  part ") and lines[1].endswith("x2")
    assert set(timings.as_dict()["stage/part"]) == {"wall", "cpu", "count"}


def test_thread_cpu_counts_the_calling_thread_only_and_rest_takes_the_remainder():
    with collecting() as timings:
        with timed("segment"):
            worker = threading.Thread(target=lambda: _timed_in_thread(timings))
            worker.start()
            with timed("segment/post", cpu="thread"):
                _spin(0.05)
            worker.join()
    post, networks, segment = (timings.parts[k] for k in ("segment/post", "segment/networks", "segment"))
    assert networks.cpu == 0.0 and networks.wall >= 0.05        # "none": wall only, CPU attributed below
    assert 0.05 <= post.cpu < segment.cpu                       # not the worker thread's spinning
    assert segment.cpu >= 0.15
    timings.rest("segment/networks", "segment")
    assert abs(networks.cpu - (segment.cpu - post.cpu)) < 1e-9 and networks.cpu >= 0.09


def _timed_in_thread(timings: Timings) -> None:
    # timed() in another thread adds to the collection the main thread made current
    with timed("segment/networks", cpu="none"):
        _spin(0.1)


def test_collections_nest_and_the_inner_one_is_current_inside():
    with collecting() as outer:
        with collecting() as inner:
            with timed("inner part"):
                pass
        with timed("outer part"):
            pass
        assert current() is outer
    assert list(inner.parts) == ["inner part"] and list(outer.parts) == ["outer part"]
    assert current() is None
