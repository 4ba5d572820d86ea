"""argon2id cost with the parameters of `yoyaku.adapters.passwords`.

Sign-in verifies one hash (or the decoy hash when the account does not exist), so the
verify time is what every staff or citizen sign-in spends in CPU.
"""

from __future__ import annotations

import time

from benchmarks.report import Figure, Section, median

LOW_MS = 50.0
HIGH_MS = 250.0


def run(runs: int = 10) -> Section:
    from yoyaku.adapters import passwords

    started = time.perf_counter()
    hasher = passwords._hasher()
    params: dict[str, int | str] = {
        "type": str(hasher.type.name),
        "timeCost": hasher.time_cost,
        "memoryCostKiB": hasher.memory_cost,
        "parallelism": hasher.parallelism,
        "hashLen": hasher.hash_len,
        "saltLen": hasher.salt_len,
    }
    passwords.hash_password("warm-up: loads the cffi bindings")
    hashes: list[float] = []
    verifies: list[float] = []
    for n in range(runs):
        password = f"benchmark password {n}"
        t0 = time.perf_counter()
        digest = passwords.hash_password(password)
        t1 = time.perf_counter()
        ok = passwords.verify_password(digest, password)
        t2 = time.perf_counter()
        if not ok:
            raise RuntimeError("argon2 verify failed")
        hashes.append((t1 - t0) * 1000)
        verifies.append((t2 - t1) * 1000)
    shown = (
        f"argon2{hasher.type.name.lower()}, t={hasher.time_cost}, "
        f"m={hasher.memory_cost // 1024} MiB, p={hasher.parallelism}"
    )
    figures = [
        Figure(
            "argon2.hash",
            f"argon2 hash ({shown})",
            round(median(hashes), 1),
            "ms",
            at_least=LOW_MS,
            at_most=HIGH_MS,
            note=f"median of {runs}, max {max(hashes):.0f} ms",
            details={"runs": hashes, "parameters": params},
        ),
        Figure(
            "argon2.verify",
            "argon2 verify (the CPU cost of one sign-in)",
            round(median(verifies), 1),
            "ms",
            note=f"median of {runs}, max {max(verifies):.0f} ms",
            details={"runs": verifies},
        ),
    ]
    return Section(
        f"Password hashing ({runs} runs)", figures, seconds=time.perf_counter() - started
    )
