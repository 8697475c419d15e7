"""Start the Java virtual machine with the BTrackmate engine on the class path (scyjava/JPype).

The JVM is started on first use, never at import. It uses a local JDK only: scyjava is told never to
download one. Call :func:`start_jvm` before touching any Java class; it is a no-op when the JVM runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator

from volltrack.tracking.engine_jar import find_engine_jar

logger = logging.getLogger(__name__)

#: Default maximum heap of the embedded JVM; override with ``start_jvm(max_heap=...)`` or VOLLTRACK_JVM_HEAP.
DEFAULT_MAX_HEAP = "4g"
MIN_JAVA_VERSION = 11


class JavaNotFound(RuntimeError):
    """Raised when no usable Java runtime is found; the message says how to install one."""


def find_java_home() -> Path:
    """Return the home folder of a local Java runtime of version >= 11.

    Looks at ``JAVA_HOME`` first, then at the ``java`` on the ``PATH``.

    Raises
    ------
    JavaNotFound
        When no Java is installed, or it is older than Java 11.
    """
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        java = Path(home) / "bin" / "java"
    else:
        found = shutil.which("java")
        if not found:
            raise JavaNotFound("no Java runtime found: install a JDK >= 17 (e.g. 'apt-get install "
                               "openjdk-17-jdk-headless') or set JAVA_HOME")
        java = Path(found).resolve()
    version = java_version(java)
    if version < MIN_JAVA_VERSION:
        raise JavaNotFound(f"{java} is Java {version}; volltrack needs Java >= {MIN_JAVA_VERSION} "
                           "(install a JDK >= 17 or point JAVA_HOME to one)")
    return java.parent.parent


def java_version(java: Path) -> int:
    """Return the feature version (e.g. 17) of the ``java`` executable at ``java``."""
    out = subprocess.run([str(java), "-XshowSettings:properties", "-version"], capture_output=True,
                         text=True, timeout=60).stderr
    for line in out.splitlines():
        if "java.specification.version" in line:
            spec = line.split("=", 1)[1].strip()
            return int(spec.split(".")[1]) if spec.startswith("1.") else int(spec)
    raise JavaNotFound(f"could not read the version of {java}")


def prefer_system_java() -> tuple[Path | None, int | None]:
    """Make scyjava use the system Java when there is one and never download one; return its home and version.

    For PyImageJ (the Fiji backend): ``JAVA_HOME`` is pointed at the local Java found by
    :func:`find_java_home` and scyjava's fetch policy set to ``"never"`` (nothing is downloaded, and scyjava's
    "Fetching zulu-jre:11..." line is not logged). PyImageJ 1.8.0 cannot guess the Java version under
    ``"never"``; the Fiji backend gives it the version returned here. Without a usable local Java the policy is
    ``"auto"``: scyjava downloads one (needs the network) and (None, None) is returned.
    """
    import scyjava

    try:
        home = find_java_home()
    except JavaNotFound as exc:
        logger.info("no usable local Java (%s); scyjava will download one (needs the network)", exc)
        scyjava.config.set_java_constraints(fetch="auto")
        return None, None
    os.environ["JAVA_HOME"] = str(home)
    scyjava.config.set_java_constraints(fetch="never")
    quiet_fetch_message()
    return home, java_version(home / "bin" / "java")


class _NothingFetched(logging.Filter):
    """Drops scyjava's "Fetching <vendor>:<version>..." record when its fetch policy downloads nothing.

    scyjava logs that line before every JVM start, whatever the policy; with ``fetch="never"`` it then uses
    the system Java, so the line only misleads (it reads as a download attempt).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        import scyjava

        return not (str(record.msg).startswith("Fetching ")
                    and scyjava.config.get_fetch_java() in ("never", "system"))


def quiet_fetch_message() -> None:
    """Install :class:`_NothingFetched` on scyjava's Java-fetch logger (once)."""
    fetch_logger = logging.getLogger("scyjava._jdk_fetch")
    if not any(isinstance(f, _NothingFetched) for f in fetch_logger.filters):
        fetch_logger.addFilter(_NothingFetched())


class JvmStartError(RuntimeError):
    """The Java VM did not start; the message says why and what to do."""


#: Maven endpoint that ``import imglyb`` (and so ``import imagej``) adds to scyjava's configuration.
IMGLYB_ENDPOINT = "net.imglib2:imglib2-imglyb"
_started_here = False


def started_by_volltrack() -> bool:
    """True when the running JVM was started by :func:`start_jvm` (with the engine jar on its class path)."""
    return _started_here


class BadHeapSize(ValueError):
    """The requested maximum Java heap (``--heap``, ``max_heap``, VOLLTRACK_JVM_HEAP) is not a heap size."""


def checked_heap_size(text: str, *, source: str = "heap") -> str:
    """Return ``text`` if it is a Java heap size (``-Xmx`` value, e.g. ``8g``), else raise ``ValueError``.

    Parameters
    ----------
    text : str
        The heap size: digits with an optional unit k, m, g or t (either case).
    source : str, optional
        Where the value came from, for the message (e.g. ``"--heap"``). Default ``"heap"``.
    """
    import re

    if not re.fullmatch(r"[1-9][0-9]*[kKmMgGtT]?", str(text).strip()):
        raise BadHeapSize(f"{source} {text!r} is not a Java heap size; expected e.g. 8g or 8192m")
    return str(text).strip()


def start_jvm(*, max_heap: str | None = None, extra_classpath: list[str] | None = None) -> None:
    """Start the JVM with the engine jar on the class path, unless it already runs.

    Parameters
    ----------
    max_heap : str, optional
        Maximum Java heap, e.g. ``"8g"``; default ``VOLLTRACK_JVM_HEAP`` or :data:`DEFAULT_MAX_HEAP`.
    extra_classpath : list of str, optional
        Further jars to put on the class path (e.g. the Fiji wizard modules).

    Raises
    ------
    JavaNotFound, volltrack.tracking.engine_jar.EngineJarNotFound
        With a message that says how to fix the installation.
    """
    import scyjava

    global _started_here
    if scyjava.jvm_started():
        return
    java_home = find_java_home()
    jar = find_engine_jar()
    heap = checked_heap_size(max_heap, source="max_heap") if max_heap else checked_heap_size(
        os.environ.get("VOLLTRACK_JVM_HEAP", DEFAULT_MAX_HEAP), source="VOLLTRACK_JVM_HEAP")
    os.environ.setdefault("JAVA_HOME", str(java_home))
    scyjava.config.set_java_constraints(fetch="never")
    quiet_fetch_message()
    # Ctrl-C must reach Python (see java_interruptible), not stop the JVM and with it the whole process before
    # Python can remove its temporary files and say "interrupted": JPype then interrupts the calling Java thread.
    scyjava.config.add_kwargs(interrupt=False)
    # imglyb (imported by PyImageJ) adds its Maven endpoint when imported; the engine does not need it, and
    # resolving it would make scyjava download from the SciJava repository before starting the JVM.
    imglyb = [str(e) for e in scyjava.config.endpoints if IMGLYB_ENDPOINT in str(e)]
    if imglyb:
        scyjava.config.endpoints[:] = [e for e in scyjava.config.endpoints if IMGLYB_ENDPOINT not in str(e)]
        logger.info("left out %s from scyjava's endpoints (added by imglyb; the engine does not need it)",
                    ", ".join(imglyb))
    scyjava.config.add_classpath(str(jar))
    for path in extra_classpath or []:
        scyjava.config.add_classpath(str(path))
    scyjava.config.add_option(f"-Xmx{heap}")
    scyjava.config.add_option("-Djava.awt.headless=true")
    logger.debug("starting the JVM (JAVA_HOME=%s, heap %s, engine %s)", java_home, heap, jar)
    scyjava.when_jvm_stops(_release_java_threads)
    endpoints = [str(e) for e in scyjava.config.endpoints]
    try:
        scyjava.start_jvm()
    except Exception as exc:  # noqa: BLE001 -- scyjava/jgo/JPype failures become one explained error
        cause = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        import jpype

        if jpype.isJVMStarted():
            # The JVM runs; a start-up hook another library registered with scyjava failed (imglyb's needs its
            # Java helper classes, which only a Fiji provides). The engine does not need that library.
            logger.warning("the Java VM started, but a start-up hook of another library failed (%s); that "
                           "library will not work in this process", cause)
            _started_here = True
            return
        if endpoints:
            raise JvmStartError(f"the Java VM did not start: scyjava was configured (by another library) to "
                                f"resolve the Maven endpoints {endpoints}, which needs the network ({cause}); "
                                "start volltrack's tracking before importing that library, or in its own "
                                "process") from None
        raise JvmStartError(f"the Java VM did not start with {java_home} ({cause}); check JAVA_HOME, or the "
                            "heap size (VOLLTRACK_JVM_HEAP)") from None
    _started_here = True


def _release_java_threads() -> None:
    """Make sure the JVM cannot keep Python from exiting (run by scyjava at exit).

    JPype's shutdown waits for every non-daemon Java thread (e.g. an idle thread pool) to end. When
    such threads are still alive, the JVM is left to die with the process instead of being destroyed.
    """
    import jpype

    if not jpype.isJVMStarted():
        return
    clear_java_interrupt()      # a Ctrl-C during the last engine call must not cut this shutdown short
    thread_class = jpype.JClass("java.lang.Thread")
    current = thread_class.currentThread()
    alive = [thread for thread in thread_class.getAllStackTraces().keySet()
             if thread.isAlive() and not thread.isDaemon() and not thread.equals(current)
             and str(thread.getName()) != "DestroyJavaVM"]
    if alive:
        logger.debug("leaving %d non-daemon Java thread(s) to exit with Python: %s", len(alive),
                     ", ".join(str(thread.getName()) for thread in alive[:5]))
        jpype.config.destroy_jvm = False
        _stop_reference_queue(jpype)


def _stop_reference_queue(jpype) -> None:
    """Stop JPype's reference-queue thread before Python finalises.

    When the JVM is not destroyed, that (daemon) thread keeps calling into Python to release
    references. A thread that asks for the GIL while the interpreter finalises is ended with
    ``pthread_exit`` and the unwinding through the JVM's frames aborts the process ("FATAL: exception
    not rethrown", exit status -6). JPype stops the queue itself only when it destroys the JVM.
    """
    try:
        jpype.JClass("org.jpype.ref.JPypeReferenceQueue").getInstance().stop()
    except Exception as error:  # noqa: BLE001 - exiting anyway; log and carry on
        logger.debug("could not stop JPype's reference queue: %s", error)


#: Java exceptions that mean "Ctrl-C stopped this call" (the engine's ``Interrupts.check`` throws the first).
JAVA_INTERRUPTS = ("java.util.concurrent.CancellationException", "java.lang.InterruptedException",
                   "java.nio.channels.ClosedByInterruptException")


#: How long to wait, after the engine stopped for an interrupt, for the KeyboardInterrupt JPype raises in Python.
SIGNAL_WAIT_SECONDS = 1.0


@contextlib.contextmanager
def java_interruptible(what: str = "the tracking engine") -> Iterator[None]:
    """Run one engine call so that Ctrl-C stops it within a moment and ends in a single :class:`KeyboardInterrupt`.

    The JVM is started with JPype's ``interrupt=False``: on SIGINT, JPype's Java signal handler interrupts the
    Java thread that called into Java (this one), then flags Python (which raises ``KeyboardInterrupt`` at its
    next step). The engine looks at the Java flag between steps (``org.volltrack.btrackmate.util.Interrupts``)
    and throws ``CancellationException``. Here, that exception waits for Python's own ``KeyboardInterrupt`` to
    arrive, so that exactly one interrupt unwinds the caller: a second one, raised by the pending signal while a
    ``finally`` block removes a temporary file, would cut that cleanup short. The Java flag is cleared before and
    after the call, so an earlier interrupt does not cancel the next call of a long-lived process (napari, a
    notebook). Put the block tightly around the Java call, inside the caller's cleanup blocks.
    """
    import jpype

    clear_java_interrupt()
    try:
        yield
    except Exception as exc:
        if isinstance(exc, jpype.JException) and any(isinstance(exc, jpype.JClass(name)) for name in JAVA_INTERRUPTS):
            deadline = time.monotonic() + SIGNAL_WAIT_SECONDS
            while time.monotonic() < deadline:      # the pending SIGINT raises KeyboardInterrupt here
                time.sleep(0.01)
            raise KeyboardInterrupt(f"interrupted in {what}") from None    # interrupted from Java, not by a signal
        raise
    finally:
        clear_java_interrupt()


def clear_java_interrupt() -> None:
    """Clear the interrupt flag that Ctrl-C set on this thread's Java side, if the JVM runs.

    While the flag is set, JPype reports it once as ``java.lang.InterruptedException`` from the next call that
    returns a Java object (which clears it); such a report is taken as done here.
    """
    import jpype

    for _ in range(3):
        if not jpype.isJVMStarted():
            return
        try:
            jpype.JClass("java.lang.Thread").interrupted()
            return
        except Exception as exc:  # noqa: BLE001 -- JPype's one report of the pending interrupt
            logger.debug("cleared a pending Java interrupt: %s", exc)


def jimport(name: str):
    """Import the Java class ``name``, starting the JVM first if needed."""
    start_jvm()
    import scyjava

    return scyjava.jimport(name)
