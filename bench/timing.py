import time


def best_of(runs: int, fn, setup=None) -> float:
    """The fastest of ``runs`` timings of ``fn``; ``setup`` runs untimed before each."""
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
