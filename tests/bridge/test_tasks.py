"""Tasks: awaitables through a .NET continuation, .result(), cancellation, failures."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from octoclr import errors


@pytest.fixture
def calc(shop):
    return shop.root.Calculator()


def test_await_task_of_t(calc) -> None:
    assert asyncio.run(_await(calc.add_async(2, 3, 20))) == 5


async def _await(awaitable):
    return await awaitable


def test_await_plain_task(calc) -> None:
    assert asyncio.run(_await(calc.do_async(5))) is None


def test_result_for_synchronous_code(calc, shop) -> None:
    assert calc.add_async(1, 2, 10).result() == 3
    widget = calc.widget_async("w").result(timeout=5)
    assert isinstance(widget, shop.model.Widget) and widget.name == "w"


def test_result_timeout(calc) -> None:
    with pytest.raises(TimeoutError):
        calc.add_async(1, 2, 2000).result(timeout=0.05)


def test_faulted_task_raises_the_mapped_error_not_aggregate(calc) -> None:
    with pytest.raises(errors.NotFoundError, match="async missing"):
        asyncio.run(_await(calc.fail_async(5)))
    with pytest.raises(errors.NotFoundError, match="async missing"):
        calc.fail_async(5).result()


def test_event_loop_is_not_blocked(calc) -> None:
    async def main():
        ticks = 0
        pending = asyncio.ensure_future(_await(calc.add_async(1, 1, 300)))
        while not pending.done():
            ticks += 1
            await asyncio.sleep(0.01)
        return ticks, pending.result()

    ticks, result = asyncio.run(main())
    assert result == 2 and ticks >= 10


def test_no_python_thread_per_call(calc) -> None:
    async def main():
        before = threading.active_count()
        pending = [asyncio.ensure_future(_await(calc.add_async(i, 1, 100))) for i in range(50)]
        await asyncio.sleep(0.02)
        during = threading.active_count()
        results = await asyncio.gather(*pending)
        return before, during, results

    before, during, results = asyncio.run(main())
    assert results == [i + 1 for i in range(50)]
    assert during <= before + 1


def test_cancelling_the_await_cancels_the_dotnet_call(calc) -> None:
    async def main():
        pending = asyncio.ensure_future(_await(calc.slow_async(10_000)))
        await asyncio.sleep(0.05)
        pending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pending

    before = calc.cancelled
    started = time.perf_counter()
    asyncio.run(main())
    deadline = time.time() + 5
    while calc.cancelled == before and time.time() < deadline:
        time.sleep(0.01)
    assert calc.cancelled == before + 1
    assert time.perf_counter() - started < 5


def test_thousand_concurrent_awaits(calc) -> None:
    async def main():
        return await asyncio.gather(*(_await(calc.add_async(i, i, 1)) for i in range(1000)))

    assert asyncio.run(main()) == [2 * i for i in range(1000)]


def test_async_factory_and_async_context_manager(shop) -> None:
    async def main():
        before = shop.root.AsyncSession.Disposed
        async with await shop.root.AsyncSession.create("z") as session:
            greeting = await session.hello()
        return greeting, shop.root.AsyncSession.Disposed - before

    assert asyncio.run(main()) == ("hello z", 1)
