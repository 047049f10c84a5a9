import asyncio
import logging
import signal

log = logging.getLogger("worker")


class Worker:
    def __init__(self, queue, handler, concurrency=4):
        self.queue = queue
        self.handler = handler
        self.concurrency = concurrency
        self._stopping = asyncio.Event()

    async def _on_error(self, job, exc):
        log.error("job %s failed: %s", job.id, exc)
        await self.queue.nack(job, requeue=job.attempts < 5)

    async def _run_one(self, job):
        try:
            await asyncio.wait_for(self.handler(job), timeout=job.timeout)
        except asyncio.CancelledError:
            await self.queue.nack(job, requeue=True)
            raise
        except asyncio.TimeoutError:
            log.warning("job %s timed out after %ss", job.id, job.timeout)
            await self.queue.nack(job, requeue=True)
        except Exception as exc:
            await self._on_error(job, exc)
        else:
            await self.queue.ack(job)

    async def _loop(self):
        while not self._stopping.is_set():
            try:
                job = await self.queue.get(timeout=1.0)
            except asyncio.TimeoutError:
                continue
            except Exception:
                log.exception("failed to fetch job; backing off")
                await asyncio.sleep(5)
                continue
            if job is None:
                continue
            await self._run_one(job)

    async def run(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stopping.set)
        tasks = [asyncio.create_task(self._loop()) for _ in range(self.concurrency)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
