"""Reliability trials 3-5: kill -9 during a build, damaged index files, concurrent searches
during a rebuild."""

import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from indexer.index.folder import MANIFEST, POINTER, REBUILD_COMMAND
from tests.fakes import FakeEmbedder



from tools.trials import (CHILD_PRELUDE, PROBE_QUERIES, ROOT, Outcome, _child_env, answers,
                          signature)

# ---- 3. crash safety -----------------------------------------------------------------------

BUILD_CHILD = CHILD_PRELUDE + """
import sys, time
from indexer.index.build import build_index
from tests.fakes import FakeEmbedder
print("ready", flush=True)
build_index(__import__("pathlib").Path(sys.argv[1]), __import__("pathlib").Path(sys.argv[2]),
            FakeEmbedder(delay=float(sys.argv[3])))
print("done", flush=True)
"""


def _start_build_child(corpus: Path, index: Path, delay: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD_CHILD, str(corpus), str(index), str(delay)],
                            cwd=ROOT, env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def crash_trials(work: Path, states: dict, n: int, seed: int = 1, delay: float = 0.15) -> list[Outcome]:
    """kill -9 a rebuild (A -> B) at a random moment; the index left behind loads and answers
    exactly as A or as B (never a mix), and the next build completes and answers as B."""
    from indexer.index import folder as store
    from indexer.index.build import build_index
    from search.engine import Searcher

    rng = random.Random(seed)
    # how long the build takes in a child (from its "ready" to its end), to spread the kills over
    probe = work / "crash-probe"
    shutil.copytree(states["A"]["index"], probe)
    child = _start_build_child(states["B"]["corpus"], probe, delay)
    child.stdout.readline()
    t0 = time.perf_counter()
    child.communicate()
    duration = time.perf_counter() - t0
    shutil.rmtree(probe)
    out = []
    for trial in range(n):
        index = work / f"crash-{trial}"
        shutil.copytree(states["A"]["index"], index)
        # half the kills anywhere in the build, half in its last third (writing, committing)
        moment = rng.uniform(0, duration * 1.1) if trial % 2 == 0 else rng.uniform(duration * 0.6, duration * 1.2)
        child = _start_build_child(states["B"]["corpus"], index, delay)
        ready = child.stdout.readline()
        if ready.strip() != b"ready":
            child.kill()
            child.wait()
            out.append(Outcome(f"crash {trial}", False, f"child did not start: {child.stderr.read()[-300:]!r}"))
            continue
        time.sleep(moment)
        child.send_signal(signal.SIGKILL)
        child.wait()
        finished = b"done" in child.stdout.read()
        child.stderr.read()
        detail = f"killed at {moment:.2f}s of ~{duration:.2f}s" + (" (after it finished)" if finished else "")
        try:
            got = answers(Searcher(index, embedder=FakeEmbedder()))
            state = "A" if got == states["A"]["answers"] else "B" if got == states["B"]["answers"] else None
            if state is None:
                raise AssertionError("answers match neither the old nor the new index")
            build_index(states["B"]["corpus"], index, FakeEmbedder())
            if answers(Searcher(index, embedder=FakeEmbedder())) != states["B"]["answers"]:
                raise AssertionError("the next build does not answer as a clean build")
            if list(index.glob("tmp-*")):
                raise AssertionError("the killed build's temp folder outlived the next build")
            out.append(Outcome(f"crash {trial}", True, f"{detail}: left index {state}"))
        except (store.IndexProblem, AssertionError, Exception) as e:  # noqa: BLE001
            out.append(Outcome(f"crash {trial}", False, f"{detail}: {type(e).__name__}: {e}"))
        shutil.rmtree(index, ignore_errors=True)
    return out


# ---- 4. damage detection -------------------------------------------------------------------

LOAD_WORKER = CHILD_PRELUDE + """
import json, sys
from indexer.index.folder import IndexProblem
from search.engine import Searcher
from tests.fakes import FakeEmbedder
from tools.trials import answers
print("ready", flush=True)
for line in sys.stdin:
    try:
        s = Searcher(line.strip(), embedder=FakeEmbedder())
        res = {"status": "loaded", "answers": json.loads(json.dumps(answers(s)))}
    except IndexProblem as e:
        res = {"status": "refused", "kind": type(e).__name__, "message": str(e)}
    except BaseException as e:
        res = {"status": "error", "kind": type(e).__name__, "message": str(e)[:300]}
    print(json.dumps(res, ensure_ascii=False), flush=True)
"""


class LoadWorker:
    """A subprocess that loads index folders on request: a segfault kills only it (and is seen)."""

    def __init__(self):
        self.proc = None

    def _start(self):
        self.proc = subprocess.Popen([sys.executable, "-c", LOAD_WORKER], cwd=ROOT, env=_child_env(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, encoding="utf-8")
        assert self.proc.stdout.readline().strip() == "ready"

    def load(self, index: Path) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        self.proc.stdin.write(str(index) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            self.proc = None
            return {"status": "died", "kind": f"exit code {code}" + (" (segfault)" if code == -11 else "")}
        return json.loads(line)

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def damage_targets(index: Path) -> list[str]:
    """Paths (relative to index) of every file of the live version, plus CURRENT."""
    name = (index / POINTER).read_text(encoding="utf-8").strip()
    manifest = json.loads((index / name / MANIFEST).read_text(encoding="utf-8"))
    return [f"{name}/{rel}" for rel in sorted(manifest["files"])] + [f"{name}/{MANIFEST}", POINTER]


def damage(path: Path, mode: str, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    if mode == "truncate" or len(data) == 0:
        cut = rng.randrange(0, max(1, len(data)))
        path.write_bytes(bytes(data[:cut]))
        return f"truncated to {cut} of {len(data)} bytes"
    positions = sorted(rng.sample(range(len(data)), min(len(data), rng.randint(1, 3))))
    for i in positions:
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return f"flipped bytes at {positions}"


def damage_trials(work: Path, states: dict, n: int, seed: int = 2, worker: LoadWorker | None = None
                  ) -> list[Outcome]:
    """Damage one file of a copy of index A per trial (every file in turn, truncated or with
    flipped bytes); the load must refuse with IndexProblem naming the file and the command."""
    rng = random.Random(seed)
    base = states["A"]["index"]
    targets = damage_targets(base)
    own = worker is None
    worker = worker or LoadWorker()
    out = []
    try:
        for trial in range(n):
            rel = targets[trial % len(targets)]
            mode = "truncate" if (trial // len(targets)) % 2 == 0 else "flip"
            index = work / f"damage-{trial}"
            shutil.copytree(base, index)
            how = damage(index / rel, mode, rng)
            res = worker.load(index)
            shown = rel.split("/", 1)[-1] if rel != POINTER else POINTER
            if res["status"] == "refused":
                msg = res["message"]
                ok = shown in msg and REBUILD_COMMAND in msg
                detail = f"{res['kind']}: {msg}" if ok else f"message does not name {shown} and the command: {msg}"
            elif res["status"] == "loaded":
                same = res["answers"] == json.loads(json.dumps(states["A"]["answers"]))
                ok, detail = False, "loaded silently" + ("" if same else " and answered DIFFERENTLY")
            else:
                ok, detail = False, f"{res['status']}: {res.get('kind')} {res.get('message', '')}"
            out.append(Outcome(f"damage {rel} ({how})", ok, detail))
            shutil.rmtree(index, ignore_errors=True)
    finally:
        if own:
            worker.close()
    return out


# ---- 5. concurrency ------------------------------------------------------------------------

CONCURRENT_QUERIES = PROBE_QUERIES + [
    "quy hoạch sử dụng đất", "cai cach hanh chinh", "giáo dục đào tạo", "y tế cơ sở", "", "😀",
    "<script>alert(1)</script>", "ha tang so", "phát triển kinh tế xã hội", "public services",
    "bổ sung", "Kế hoạch số", "vùng cao", "nhiệm vụ giải pháp"]

REBUILD_CHILD = CHILD_PRELUDE + """
import sys, pathlib
from indexer.index.build import build_index
from tests.fakes import FakeEmbedder
corpora, index = [pathlib.Path(p) for p in sys.argv[1:3]], pathlib.Path(sys.argv[3])
i = 0
while True:
    build_index(corpora[i % 2], index, FakeEmbedder(), force=True)
    i += 1
    print(i, flush=True)
"""


def concurrency_trial(work: Path, states: dict, threads: int, per_thread: int,
                      rebuild: bool = True) -> tuple[int, int, list[str]]:
    """threads x per_thread searches on one Searcher, while another process rebuilds the same
    index folder (alternating B and A) and new Searchers keep opening it. Returns (tried,
    identical, problems); problems also lists fresh Searchers that saw neither A nor B."""
    from indexer.index import folder as store
    from search.engine import Searcher

    index = work / "concurrent-index"
    shutil.copytree(states["A"]["index"], index)
    searcher = Searcher(index, embedder=FakeEmbedder())
    reference = {q: signature(searcher.search(q)) for q in CONCURRENT_QUERIES}
    problems: list[str] = []
    results = [0] * threads
    rebuilds = None
    if rebuild:
        rebuilds = subprocess.Popen([sys.executable, "-c", REBUILD_CHILD, str(states["B"]["corpus"]),
                                     str(states["A"]["corpus"]), str(index)], cwd=ROOT, env=_child_env(),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stop = threading.Event()
    fresh = {"opened": 0, "A": 0, "B": 0}
    # on a loaded machine one rebuild can outlast the planned searches: they go on (up to 3
    # minutes) until a rebuild completed and a fresh Searcher saw its index
    rebuilt = threading.Event()
    deadline = time.monotonic() + 180
    done_lines: list[bytes] = []
    if rebuilds is not None:
        threading.Thread(target=lambda: [done_lines.append(line) or rebuilt.set()
                                         for line in iter(rebuilds.stdout.readline, b"")], daemon=True).start()
    searched = [0] * threads

    def worker(t: int):
        rng = random.Random(t)
        same = 0
        while searched[t] < per_thread or (rebuild and not (rebuilt.is_set() and fresh["B"])
                                           and time.monotonic() < deadline):
            searched[t] += 1
            q = rng.choice(CONCURRENT_QUERIES)
            try:
                if signature(searcher.search(q)) == reference[q]:
                    same += 1
                else:
                    problems.append(f"thread {t}: {q!r} answered differently")
            except Exception as e:  # noqa: BLE001
                problems.append(f"thread {t}: {q!r} raised {type(e).__name__}: {e}")
        results[t] = same

    def opener():
        while not stop.is_set():
            try:
                got = answers(Searcher(index, embedder=FakeEmbedder()), PROBE_QUERIES[:3])
            except store.IndexProblem as e:
                problems.append(f"fresh Searcher refused a live index: {e}")
                continue
            fresh["opened"] += 1
            for label in ("A", "B"):
                if got == states[label]["answers"][:3]:
                    fresh[label] += 1
                    break
            else:
                problems.append("a fresh Searcher answered as neither the old nor the new index (a mix)")
            stop.wait(0.2)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    watcher = threading.Thread(target=opener)
    for th in pool + [watcher]:
        th.start()
    for th in pool:
        th.join()
    stop.set()
    watcher.join()
    done_rebuilds = 0
    if rebuilds is not None:
        rebuilds.kill()
        rebuilds.wait()
        done_rebuilds = len(done_lines)
        err = rebuilds.stderr.read().decode("utf-8", "replace")
        if "Traceback" in err and "KeyboardInterrupt" not in err:
            problems.append(f"the concurrent rebuild failed: {err.strip()[-300:]}")
    print(f"  concurrency: {done_rebuilds} rebuilds completed meanwhile; fresh Searchers opened "
          f"{fresh['opened']} (old index {fresh['A']}, new index {fresh['B']})", file=sys.stderr)
    if rebuild and done_rebuilds == 0:
        problems.append("no rebuild completed while searching (the trial proved nothing)")
    return sum(searched), sum(results), problems

