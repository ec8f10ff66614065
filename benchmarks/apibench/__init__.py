"""The parts of the API benchmark, in the order benchmarks/api_bench.py runs them, then
the tables they share.

    seed          the data set: the campus's community part, seeded once and reused
    seed_courses  its course catalog, timetables and friends
    workload      what the load asks for, and each scenario's requests
    sql           the SQL behind each request, as figures (counts, plans)
    serve         the API server, started as `make run` does, and its start-up time
    load          wrk, one scenario at a time, and the CPU each request costs
    targets       the targets, as data, and where each comes from
    report        the figures, printed, and the verdicts against the targets
    scenarios     the request types

Not `benchmarks/api`: a package of that name would shadow the app's `api` when a script
here runs (its folder comes first on sys.path).
"""
