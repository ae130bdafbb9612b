"""No network for query workers: a seccomp filter (Linux ``seccomp(2)``, BPF) installed with ``prctl(2)``.

After :func:`deny_network` the calling process (and any thread or child it starts later) gets
``EPERM`` from ``socket(2)`` for every address family except ``AF_UNIX``, and from
``io_uring_setup(2)`` (which could open sockets on its own); sockets it already holds (the pipe
to the server) keep working. So even a query the guard failed to refuse — or a bug in the
engine's SERVICE client — cannot connect anywhere, nor resolve a host name. It needs no package
and no privilege (``PR_SET_NO_NEW_PRIVS`` first), on x86-64 and AArch64 Linux; elsewhere it
reports that it could not, and the caller says so in its log.
"""

from __future__ import annotations

import ctypes
import platform
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | 1
AF_UNIX = 1
#: machine -> (AUDIT_ARCH_*, socket, io_uring_setup, first x32 syscall or None)
ARCHES = {"x86_64": (0xC000003E, 41, 425, 0x40000000), "aarch64": (0xC00000B7, 198, 425, None)}


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def network_filter(machine: str) -> bytes:
    """The BPF program (struct sock_filter[]) for a machine in :data:`ARCHES`."""
    arch, socket_nr, uring_nr, x32 = ARCHES[machine]
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    prog = [
        _insn(ld_abs, 0, 0, 4),                   # A = seccomp_data.arch
        _insn(jeq, 1, 0, arch),                   # other ABI: deny below
        _insn(ret, 0, 0, RET_EPERM),
        _insn(ld_abs, 0, 0, 0),                   # A = seccomp_data.nr
    ]
    if x32 is not None:
        prog += [_insn(jge, 0, 1, x32), _insn(ret, 0, 0, RET_EPERM)]
    prog += [
        _insn(jeq, 0, 1, uring_nr), _insn(ret, 0, 0, RET_EPERM),
        _insn(jeq, 1, 0, socket_nr), _insn(ret, 0, 0, RET_ALLOW),
        _insn(ld_abs, 0, 0, 16),                  # A = low 32 bits of args[0] (the address family)
        _insn(jeq, 0, 1, AF_UNIX), _insn(ret, 0, 0, RET_ALLOW),
        _insn(ret, 0, 0, RET_EPERM),
    ]
    return b"".join(prog)


def deny_network() -> str | None:
    """Install the filter in this process; None on success, else why it could not."""
    machine = platform.machine()
    if not sys.platform.startswith("linux") or machine not in ARCHES:
        return f"no seccomp filter for {sys.platform}/{machine}"
    code = network_filter(machine)
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(code, len(code))

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Prog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}"
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return f"prctl(PR_SET_SECCOMP) failed: errno {ctypes.get_errno()}"
    return None


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (``PR_SET_PDEATHSIG``, Linux only)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)
