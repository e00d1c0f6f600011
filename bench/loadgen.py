"""A small HTTP/1.1 keep-alive load generator, run as its own process.

python -m bench.loadgen --port P --path /a --path /b --concurrency 16 --seconds 10 [--warmup 2]
prints one JSON line: requests, non-200 answers, requests per second, p50/p99 latency (ms).
Raw asyncio sockets keep its own CPU cost low, so on a 2-core machine it disturbs the server
under test as little as possible, and equally for Tanpass and the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time

_LEN = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


async def _client(host: str, port: int, paths: list[str], headers: str, offset: int,
                  warm_until: float, stop_at: float, lat: list[float],
                  status: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n"
                         f"{headers}\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            m = _LEN.search(head)
            if m:
                await reader.readexactly(int(m.group(1)))
            t1 = time.perf_counter()
            if t0 >= warm_until:
                lat.append(t1 - t0)
                code = int(head.split(b" ", 2)[1])
                status[code] = status.get(code, 0) + 1
    finally:
        writer.close()


async def _main(a: argparse.Namespace) -> dict:
    lat: list[float] = []
    status: dict[int, int] = {}
    start = time.perf_counter()
    warm_until = start + a.warmup
    stop_at = warm_until + a.seconds
    headers = "".join(f"{h}\r\n" for h in a.header)
    await asyncio.gather(*(_client(a.host, a.port, a.path, headers, k, warm_until, stop_at, lat,
                                   status) for k in range(a.concurrency)))
    lat.sort()

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, round(q / 100 * (len(lat) - 1)))] * 1000 if lat else float("nan")

    return {"requests": len(lat), "non_200": sum(v for k, v in status.items() if k != 200),
            "status": status, "rps": len(lat) / a.seconds, "p50_ms": pct(50), "p99_ms": pct(99)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", action="append", required=True)
    p.add_argument("--header", action="append", default=[], help="e.g. 'Authorization: Bearer …'")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    print(json.dumps(asyncio.run(_main(p.parse_args()))))


if __name__ == "__main__":
    main()
