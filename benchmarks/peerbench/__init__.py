"""The parts of benchmarks/peer_bench.py (Quad side by side with the RealWorld peer), in
the order it uses them; the rest is apibench's and bench_common's.

    peer        the peer: its virtualenv and what running it on Python 3.11 takes, its
                migrations, the two indexes it lacks, its tokens, its server
    data        Quad's seeded rows, copied into the peer's schema
    requests    the request types and their requests, alike for both servers
    statements  statements per request, from PostgreSQL's statement log
    report      the table of medians
"""
