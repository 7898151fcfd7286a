"""The indexer the kill test kills: update/delete cycles over a small pool of articles.

`run_cycles` runs in a child process forked by `python -m tests.faults.cycle_writer`, a small
fork server that has imported everything once, so a restart costs milliseconds, not seconds of
imports. It reads `RUN FIRST LAST REPORT` lines, answers `PID n` when the child is forked and
`EXIT code` when it ended (negative: killed by that signal). Cycle n rewrites the
source folder to the planned state after n (`plan(seed, ...)[n]`: a few articles added or
rewritten with content unique to the cycle, a few deleted) and syncs it: one commit per cycle.
After each commit returns it appends `COMMITTED n` to its report file. The plan depends only on
the seed, so a restarted child continues where the last one stopped.
FakeEmbedder and FakeTokenizer stand in at the model ports: the subject is the crash
consistency of SQLite, FAISS and the BM25 snapshot, not the model.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from indexer.adapters.bm25 import Bm25LexicalIndex  # noqa: F401  (imported once, here)
from indexer.adapters.faiss_index import FaissVectorIndex  # noqa: F401
from indexer.config import Settings
from tests.builders import faiss_services

POOL = [f"article-{number:02d}" for number in range(10)]
State = dict[str, str]  # article id -> the marker word its current version carries


def plan(seed: int, cycles: int) -> list[State]:
    """The state after each cycle (index 0: nothing indexed). Every cycle changes something,
    so two consecutive states always differ."""
    rng = random.Random(seed)
    state: State = {}
    states = [dict(state)]
    for cycle in range(1, cycles + 1):
        for article_id in rng.sample(POOL, rng.randint(1, 3)):
            if article_id in state and rng.random() < 0.4:
                del state[article_id]
            else:
                state[article_id] = f"mark{cycle}x{article_id[-2:]}"
        states.append(dict(state))
    return states


def body(article_id: str, marker: str) -> str:
    """Two or three sections, so an article has several chunks and an edit moves some."""
    sections = []
    for heading in ("Setup", "Details", "Pitfalls")[: 2 + len(marker) % 2]:
        words = " ".join(f"{heading.lower()} word{i} of {article_id}" for i in range(25))
        sections.append(f"## {heading}\n\nThe {marker} version. {words}.")
    return "\n\n".join(sections)


def write_state(source: Path, state: State) -> None:
    source.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.md"):
        if path.stem not in state:
            path.unlink()
    for article_id, marker in state.items():
        front = f"---\ntitle: {article_id}\nslug: {article_id}\n---\n\n"
        (source / f"{article_id}.md").write_text(front + body(article_id, marker) + "\n")


def run_cycles(
    data_dir: Path, source: Path, seed: int, first: int, last: int, report: Path
) -> None:
    states = plan(seed, last)
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    services = faiss_services(settings)
    # Unbuffered appends: a line written is in the page cache, which SIGKILL does not lose.
    fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    for cycle in range(first, last + 1):
        write_state(source, states[cycle])
        services.indexing.sync_source(source)
        os.write(fd, f"COMMITTED {cycle}\n".encode())
    os.write(fd, b"DONE\n")
    os.close(fd)


def serve(seed: int) -> None:
    for line in sys.stdin:
        _, first, last, report = line.split()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run_cycles(Path(sys.argv[1]), Path(sys.argv[2]), seed, int(first), int(last),
                           Path(report))  # fmt: skip
            except BaseException as exc:
                print(f"child failed: {exc!r}", file=sys.stderr, flush=True)
                code = 1
            os._exit(code)
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    serve(int(sys.argv[3]))
