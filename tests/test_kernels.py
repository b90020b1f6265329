"""Warm kernels: a worker reuses its kernel, and each notebook still starts from a fresh state.

Each test runs notebooks through ``pipeline._execute_one`` in this process, which then plays
the part of a pool worker holding one kernel.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from queue import Empty

import nbformat
import pytest
from conftest import make_notebook

from barometer.build import kernels, pipeline
from barometer.build.pipeline import clean_executed
from barometer.data import paths


@pytest.fixture
def worker():
    """This process as a pool worker; the variables a worker sets are restored afterwards."""
    saved = dict(os.environ)
    kernels.discard_worker_kernel()
    yield
    kernels.discard_worker_kernel()
    os.environ.clear()
    os.environ.update(saved)


def run(tmp_path: Path, name: str, body: str, root: Path | None = None) -> dict:
    """Execute a one-cell notebook; returns the JSON its cell printed."""
    src = tmp_path / "src" / f"{name}.ipynb"
    src.parent.mkdir(parents=True, exist_ok=True)
    make_notebook(src, body, parameters="label = 'x'")
    out = tmp_path / "out" / name / f"{name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    pipeline._execute_one(str(src), str(out), {}, str(root or tmp_path), str(out.parent / "inputs.log"))
    nb = nbformat.read(out, as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return {**json.loads(text.strip().splitlines()[-1]),
            "counts": [c.execution_count for c in nb.cells if c.cell_type == "code"]}


# Leaves behind everything a chapter could leave behind in a kernel.
MESS = """
import json, os, sys, warnings
import matplotlib, matplotlib.pyplot as plt
leftover = 42
matplotlib.rcParams["lines.linewidth"] = 9.0
plt.figure()
warnings.simplefilter("error")
warnings.simplefilter("ignore", UserWarning)
from barometer.data import codebook as microdata
microdata.codebook.cache_clear()
microdata.WAVES = ("changed",)
os.chdir("/")
print(json.dumps({"pid": os.getpid()}))
"""

# Reports what a fresh kernel should show.
LOOK = """
import json, os, sys, warnings
import matplotlib, matplotlib.pyplot as plt
from barometer.data import codebook as microdata, paths
with warnings.catch_warnings(record=True) as seen:
    warnings.warn("still shown", UserWarning)
print(json.dumps({
    "pid": os.getpid(), "leftover": "leftover" in globals(), "linewidth": matplotlib.rcParams["lines.linewidth"],
    "figures": len(plt.get_fignums()), "filters": [list(map(str, f)) for f in warnings.filters],
    "waves": list(microdata.WAVES), "cwd": os.getcwd(), "root": str(paths.ROOT),
    "log": os.environ.get(paths.INPUT_LOG_ENV), "warned": len(seen),
}))
"""


def test_one_kernel_runs_a_workers_notebooks(tmp_path, worker):
    first = run(tmp_path, "first", MESS)
    second = run(tmp_path, "second", LOOK)
    assert first["pid"] == second["pid"], "the second notebook started a kernel of its own"


def test_each_notebook_starts_from_a_fresh_kernel_state(tmp_path, worker):
    fresh = run(tmp_path, "fresh", LOOK)
    kernels.discard_worker_kernel()
    run(tmp_path, "mess", MESS)
    after = run(tmp_path, "after", LOOK)
    assert after["pid"] != fresh["pid"]
    assert after["leftover"] is False
    assert after["linewidth"] == fresh["linewidth"] != 9.0
    assert after["figures"] == 0
    assert after["filters"] == fresh["filters"]
    assert after["waves"] == fresh["waves"] and "changed" not in after["waves"]
    assert after["cwd"] == str(tmp_path / "out" / "after")
    assert after["log"] == str(tmp_path / "out" / "after" / "inputs.log")
    assert after["warned"] == fresh["warned"] == 1
    assert after["counts"] == fresh["counts"] == [1, 2]


def test_the_package_is_imported_anew_with_this_runs_data_root(tmp_path, worker):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    assert run(tmp_path, "a", LOOK, root=one)["root"] == str(one)
    assert run(tmp_path, "b", LOOK, root=two)["root"] == str(two)


def test_data_read_in_a_reused_kernel_are_recorded_again(tmp_path, worker):
    shutil.copytree(paths.CODEBOOK, tmp_path / "data" / "codebook")
    (tmp_path / "data" / "x.csv").write_text("x\n1\n")
    reader = ("import json, os\nfrom barometer.data import codebook as microdata, paths\n"
              "microdata.codebook()\npaths.data_file('x.csv')\nprint(json.dumps({'pid': os.getpid()}))\n")
    run(tmp_path, "r1", reader)
    run(tmp_path, "r2", reader)
    for name in ("r1", "r2"):
        logged = (tmp_path / "out" / name / "inputs.log").read_text()
        assert str(tmp_path / "data" / "x.csv") in logged
        assert "variables.csv" in logged, f"{name}: the codebook read was not recorded"


def test_a_failed_notebook_gets_the_next_one_a_new_kernel(tmp_path, worker):
    before = run(tmp_path, "before", LOOK)
    with pytest.raises(Exception, match="boom"):
        run(tmp_path, "fails", "raise RuntimeError('boom')")
    after = run(tmp_path, "after", LOOK)
    assert after["pid"] != before["pid"]


def test_a_dead_kernel_is_replaced_and_leaves_no_sockets(tmp_path, worker):
    before = run(tmp_path, "before", LOOK)
    km = kernels.worker_kernel().km
    # On Linux the kernel's sockets are in the abstract namespace: no socket file anywhere, and
    # no path that a deep edition folder could make too long.
    assert km.ip.startswith("@")
    connection = Path(km.connection_file)
    assert connection.exists()
    os.kill(before["pid"], 9)
    after = run(tmp_path, "after", LOOK)
    assert after["pid"] != before["pid"] and after["leftover"] is False
    kernels.discard_worker_kernel()
    assert not connection.exists()  # the dead kernel's connection file is removed


@pytest.mark.slow
def test_a_chapter_run_after_others_equals_the_chapter_run_alone(tmp_path, worker):
    """The real thing: chapter 10 after chapters 9 and 3 in one kernel, and in a fresh one."""
    def execute(stem: str, tag: str) -> str:
        out = tmp_path / tag / f"{stem}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        pipeline._execute_one(str(paths.NOTEBOOKS / f"{stem}.ipynb"), str(out), {}, str(paths.ROOT),
                              str(tmp_path / tag / f"{stem}.log"))
        return nbformat.writes(clean_executed(nbformat.read(out, as_version=4), paths.ROOT))

    alone = execute("10_knowledge_sharing", "alone")
    kernels.discard_worker_kernel()
    execute("09_failure", "shared")
    execute("03_innovation_types", "shared")
    shared = execute("10_knowledge_sharing", "shared")
    if shared != alone:
        import difflib
        diff = "".join(list(difflib.unified_diff(alone.splitlines(True), shared.splitlines(True)))[:60])
        pytest.fail(f"chapter 10 differs after other chapters in the same kernel:\n{diff}")


def test_a_ready_client_has_read_everything_its_readiness_check_caused(tmp_path, worker):
    """wait_for_ready stops at the kernel_info request's idle status instead of waiting for
    IOPub to fall silent: a stale reply to an earlier request is skipped, and afterwards
    nothing from either request is left unread to confuse the notebook's first cell."""
    from jupyter_core.utils import run_sync

    kernel = kernels.worker_kernel()
    km = kernel.prepare({}, str(tmp_path))
    kc = km.client()
    assert type(kc).__name__ == "ReadyKernelClient"
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=30)
        kc.kernel_info()  # an earlier request whose reply nobody has read yet
        run_sync(kc.wait_for_ready)(timeout=30)
        for channel in (kc.shell_channel, kc.iopub_channel):
            with pytest.raises(Empty):
                msg = run_sync(channel.get_msg)(timeout=1)
                pytest.fail(f"left unread: {msg['msg_type']} {msg.get('content')}")
    finally:
        kernel.release()
