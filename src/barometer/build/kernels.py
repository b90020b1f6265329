"""Warm kernels: each build worker keeps one Jupyter kernel and runs its notebooks in it.

Starting a kernel and importing pandas, scipy, statsmodels and matplotlib into it took about
five seconds per notebook, which was a third of a clean build and most of the time of the
editions (130 notebooks). A worker therefore starts one kernel and, before each notebook,
resets it to the state of a fresh kernel with those libraries already imported:

- the user namespace and the output history are reset and a new history session begins, so
  that cells are numbered from 1 as in a fresh kernel (numbering from 1 in the old session
  made IPython print a history error into the next notebook: a test caught it);
- every ``barometer`` module is dropped from ``sys.modules``, so the notebook imports the
  package anew: its caches (codebook, published tables) and its paths (read from the
  environment at import time) start empty, and every data file read is recorded again for
  the build cache;
- the environment variables of this run (data root, input log, output folder) and the working
  directory are set;
- matplotlib's settings, open figures and the warning filters go back to what the fresh kernel
  had (warnings are shown again, not only once per kernel).

A test runs a chapter in a fresh kernel and again after two other chapters in the same kernel,
and compares the two executed notebooks.

A kernel that died, or one whose notebook failed, is replaced rather than reused.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from typing import Any

#: Run once in a new kernel: what "fresh" means for the resets that follow.
_SNAPSHOT = """
import sys as _sys, types as _types, warnings as _warnings
import matplotlib as _mpl
_sys.modules["_barometer_fresh_kernel"] = _types.SimpleNamespace(
    filters=list(_warnings.filters), rc=dict(_mpl.rcParams))
del _sys, _types, _warnings, _mpl
"""

#: Run before every notebook; {env} and {cwd} are filled in (as Python literals).
_RESET = """
def _barometer_reset(env, cwd):
    import os, sys, warnings
    import matplotlib, matplotlib.pyplot as plt
    fresh = sys.modules["_barometer_fresh_kernel"]
    ip = get_ipython()
    ip.reset(new_session=True)  # a new history session: cells are numbered from 1 again
    for name in [m for m in sys.modules if m == "barometer" or m.startswith("barometer.")]:
        del sys.modules[name]
    os.environ.update(env)
    os.chdir(cwd)
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some default rcParams are deprecated aliases
        matplotlib.rcParams.update(fresh.rc)
    warnings.resetwarnings()  # also forgets which warnings were already shown
    warnings.filters[:] = fresh.filters
_barometer_reset({env!r}, {cwd!r})
"""


def ready_client_class():
    """A kernel client whose readiness check ends as soon as the kernel has answered.

    jupyter_client's ``wait_for_ready`` ends by reading IOPub until it has been silent for
    0.2 s. Every notebook opens two clients (the reset's and the executor's), so that was
    0.4 s of waiting per notebook (measured), about 52 s over the 130 notebooks of the
    editions. This client waits instead for the ``idle`` status that the kernel publishes after answering its
    ``kernel_info`` request: seeing it proves that IOPub is connected, and everything the
    kernel published for the request has been read by then. If it does not come (IOPub
    subscriptions take a moment to connect), the request is sent again, as jupyter_client does.
    """
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                if await self._idle_after(msg_id, min(1.0, max(0.0, deadline - time.monotonic()))):
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        async def _idle_after(self, msg_id: str, wait: float) -> bool:
            """Whether the reply to ``msg_id`` and then its ``idle`` status arrive in ``wait`` s."""
            end = time.monotonic() + wait
            try:
                while True:  # replies to an earlier, resent request are skipped
                    reply = await self.shell_channel.get_msg(timeout=max(0.0, end - time.monotonic()))
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
                self._handle_kernel_info_reply(reply)
                while True:
                    msg = await self.iopub_channel.get_msg(timeout=max(0.0, end - time.monotonic()))
                    if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                            and msg["content"]["execution_state"] == "idle"):
                        return True
            except Empty:
                return False

    return ReadyKernelClient


def ipc_kernel_manager_class():
    """A kernel manager that talks to its kernel over Unix sockets, not TCP ports, with
    clients that are quick to see that it is ready (:func:`ready_client_class`).

    Kernels started in parallel over TCP race for free ports (seen here: 'Address already in
    use' when two chapters start at once); IPC sockets live in the kernel's own runtime files.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    client_class = ready_client_class()

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("client_factory")
        def _client_factory_default(self):
            return client_class

        def client(self, **kwargs):
            # nbclient opens a client of its own for every notebook and, since it does not own
            # this kernel, leaves it open; they are kept here to be closed after the notebook.
            kc = super().client(**kwargs)
            self.__dict__.setdefault("opened_clients", []).append(kc)
            return kc

        def close_clients(self) -> None:
            for kc in self.__dict__.pop("opened_clients", []):
                kc.stop_channels()

        @default("ip")
        def _ip_default(self) -> str:
            # On Linux the sockets live in the abstract namespace ("@name"): no file at all, so
            # nothing is left behind and no path can be too long (an edition's private folder
            # may be deep; a socket path is limited to about 100 characters). Elsewhere an
            # absolute, unique prefix in the temporary folder: the kernel runs in another working
            # directory, and a relative prefix would point the two sides at different files.
            name = f"barometer-kernel-{uuid.uuid4().hex[:12]}"
            if sys.platform.startswith("linux"):
                return "@" + name
            return os.path.join(tempfile.gettempdir(), name)

    return IPCKernelManager


class KernelResetError(RuntimeError):
    """The kernel could not be brought back to a fresh state before a notebook."""


class WarmKernel:
    """One kernel, started on first use, reset before each notebook."""

    def __init__(self, kernel_name: str = "python3", startup_timeout: float = 60) -> None:
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km: Any = None

    def _run(self, coro_fn, *args, **kwargs):
        from jupyter_core.utils import run_sync

        return run_sync(coro_fn)(*args, **kwargs)

    def alive(self) -> bool:
        return self.km is not None and bool(self._run(self.km.is_alive))

    def start(self, cwd: str) -> None:
        self.km = ipc_kernel_manager_class()(kernel_name=self.kernel_name)
        self._run(self.km.start_kernel, cwd=cwd)
        self._execute(_SNAPSHOT)

    def _execute(self, code: str) -> None:
        """Run ``code`` in the kernel over a client of its own, closed afterwards (a kernel
        routes replies to the client that connected last with the manager's session)."""
        errors: list[str] = []

        def collect(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        kc = self.km.client()
        kc.start_channels()
        try:
            self._run(kc.wait_for_ready, timeout=self.startup_timeout)
            reply = self._run(kc.execute_interactive, code, silent=False, store_history=False,
                              allow_stdin=False, output_hook=collect, timeout=self.startup_timeout)
        finally:
            self.km.close_clients()
        if reply["content"]["status"] != "ok" or errors:
            raise KernelResetError("resetting the kernel failed: " + ("; ".join(errors) or "no reply"))

    def prepare(self, env: dict[str, str], cwd: str) -> Any:
        """The kernel manager of a kernel in the state of a fresh one, with ``env`` set and
        ``cwd`` as its folder. Call :meth:`release` when the notebook is done."""
        reset = _RESET.format(env=dict(env), cwd=cwd)
        if self.alive():
            try:
                self._execute(reset)
                return self.km
            except (KernelResetError, RuntimeError, TimeoutError):
                pass  # it died meanwhile, or will not answer: start another below
        self.shutdown()
        self.start(cwd)
        self._execute(reset)
        return self.km

    def release(self) -> None:
        """Close the clients the notebook's executor opened."""
        if self.km is not None:
            self.km.close_clients()

    def shutdown(self) -> None:
        if self.km is not None:
            try:
                self.km.close_clients()
                self._run(self.km.shutdown_kernel, now=True)
            except Exception:  # noqa: BLE001 - a dead kernel may have nothing left to shut down
                try:  # but its connection file and sockets in /tmp are still to be removed
                    self._run(self.km.cleanup_resources)
                except Exception:  # noqa: BLE001
                    pass
        self.km = None


_WORKER_KERNEL: WarmKernel | None = None


def worker_kernel() -> WarmKernel:
    """The kernel of this worker process, shut down when the process ends."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is None:
        from multiprocessing import util

        _WORKER_KERNEL = WarmKernel()
        # Pool workers leave through os._exit, which skips atexit; multiprocessing's own
        # finalizers still run, so the kernel does not outlive its worker.
        util.Finalize(None, _WORKER_KERNEL.shutdown, exitpriority=10)
    return _WORKER_KERNEL


def discard_worker_kernel() -> None:
    """Shut down this worker's kernel (after a failure): the next notebook gets a new one."""
    if _WORKER_KERNEL is not None:
        _WORKER_KERNEL.shutdown()
