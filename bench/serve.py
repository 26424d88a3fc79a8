"""Serve the app with uvicorn over a given store, in its own process, for benchmarks and load tests.

Measuring latency with the clients in the server's own process would charge the clients' Python
work to the server (one GIL), so the benchmark and the concurrency test start this as a
subprocess and stop it by its PID.

``python bench/serve.py --store DIR --port 8001`` (an embedded store on disk, opened read-only: reads
run in worker processes, api.isolation) or ``--nquads FILE`` (loaded into memory: reads run in
threads); the limits are the ``Settings`` fields. With ``--update-token T`` the store on disk is
opened for writing and updates are enabled behind that token (bench/bench_writes.py);
``--bulk-bytes`` is the store's bulk-loader threshold.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from pyoxigraph import RdfFormat

from api.app import create_app
from api.settings import Settings
from orbat.store import EmbeddedStore
from orbat.store.bulk import BULK_BYTES


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", type=Path, help="an embedded store folder, opened read-only")
    source.add_argument("--nquads", type=Path, help="an N-Quads file, loaded into an in-memory store")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=Settings.query_timeout_s, help="query time limit, seconds")
    parser.add_argument("--max-results", type=int, default=Settings.max_results)
    parser.add_argument("--workers", type=int, default=Settings.query_workers, help="query workers")
    parser.add_argument("--max-overdue", type=int, default=Settings.max_overdue_queries, help="threads only")
    parser.add_argument("--max-long", type=int, default=Settings.max_long_queries, help="processes only")
    parser.add_argument("--max-client-requests", type=int, default=Settings.max_client_requests)
    parser.add_argument("--update-token", help="open the store for writing, updates behind this bearer token")
    parser.add_argument("--bulk-bytes", type=int, default=BULK_BYTES, help="writes from this size use the bulk loader")
    args = parser.parse_args(argv)
    if args.store:
        writable = args.update_token is not None
        store = EmbeddedStore(args.store, read_only=not writable, bulk_bytes=args.bulk_bytes)
    else:
        store = EmbeddedStore()
        store.native.bulk_load(path=str(args.nquads), format=RdfFormat.N_QUADS)
    settings = Settings(
        query_timeout_s=args.timeout,
        max_results=args.max_results,
        query_workers=args.workers,
        max_overdue_queries=args.max_overdue,
        max_long_queries=args.max_long,
        max_client_requests=args.max_client_requests,
        update_enabled=args.update_token is not None,
        update_token=args.update_token,
    )
    uvicorn.run(create_app(store, settings), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    sys.exit(main())
