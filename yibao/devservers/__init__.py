"""Local stand-ins for the outside world: a capturing SMTP server and IM webhook robots.

Used by the tests, the benchmarks and the demo (`yibao devservers smtp|im`).
"""
