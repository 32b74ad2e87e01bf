"""Benchmarks for Parallel You: `python -m bench` (or `make bench`).

Each benchmark starts what it needs (real uvicorn servers with their own data folders, the shared
RabbitMQ broker under a per-run prefix, repos in a temporary folder), measures, stops everything it
started, and returns figures. The runner prints one table and writes `bench/results/latest.json`
and `bench/results/latest.md`. A figure that misses its target is marked MISS; timings never fail
the run, only a benchmark that could not run at all does.
"""
