"""The analytics pipeline behind the quad_activity DAG (../quad_activity.py).

The DAG file only wires tasks; each task imports this package when it runs, so parsing
the DAG touches no database, no cloud and no heavy library. Modules:

- tables: warehouse table specs read from ../schemas/*.json and ../tables.json
- sources: the PostgreSQL queries of every event type and dimension
- privacy: keyed pseudonyms of user ids, stable event ids
- extract: stream a day's events from PostgreSQL into staged NDJSON parts
- checks: the data-quality checks that fail a run
- marts: the marts (../sql/*.sql) and the partition each day's rebuild writes
- pipeline: the task bodies
- local: `make analytics`, the DAG run locally with dag.test()
"""
