r"""Count the machine instructions a command executes, under valgrind's cachegrind (benchmark helper).

On the shared VM the same 17-second flake8 run varies by 5-8% in wall *and* CPU time from run to run
(CPU is taken from outside the VM in bursts), so a ±3% target on the difference of two runs is below
the noise: six full runs of run.py read the plugin's overhead between -11% and +14%. The number of
instructions a process executes does not depend on the machine's load: two runs of the same command
give the same count to the instruction (PYTHONHASHSEED is fixed, since str hashing decides dict and set
layouts). It is a proxy for time, not time: it does not see cache misses or stalls, which the
wall-clock rows still show beside it.

    python benchmarks/instructions.py -- COMMAND [ARGS...]    # prints the count; `python` = this interpreter

cachegrind runs with `--cache-sim=no` (count only, no cache model): about 30x slower than native.
Commands run concurrently when given together (counts do not depend on contention).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple


class CountError(Exception):
    """valgrind is missing, or a counted command failed."""


def real_python() -> str:
    """The interpreter binary itself: valgrind must start it directly, not through a shell shim (pyenv)."""
    return os.path.realpath(sys.executable)


def count(commands: Dict[str, Sequence[str]], ok_codes: Tuple[int, ...] = (0, 1)) -> Dict[str, int]:
    """Instructions executed by each command (key -> count), the commands run side by side."""
    tool = shutil.which("valgrind")
    if tool is None:
        raise CountError("valgrind is not installed (apt install valgrind)")
    env = dict(os.environ, PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory(prefix="rnn-instr-") as tmp:
        running: List[Tuple[str, Path, "subprocess.Popen[bytes]"]] = []
        for key, argv in commands.items():
            out = Path(tmp, f"{key}.cachegrind")
            vg = [tool, "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}", "--quiet", *argv]
            running.append((key, out, subprocess.Popen(vg, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)))
        counts: Dict[str, int] = {}
        failures: List[str] = []
        for key, out, proc in running:
            _, err = proc.communicate()
            if proc.returncode not in ok_codes:
                tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
                failures.append(f"{key}: exit status {proc.returncode}: " + " | ".join(tail))
                continue
            try:
                counts[key] = summary(out)
            except (OSError, ValueError) as exc:
                failures.append(f"{key}: no cachegrind summary ({exc})")
        if failures:
            raise CountError("; ".join(failures))
        return counts


def summary(path: Path) -> int:
    """The total instruction count (`summary:` line, event Ir) of a cachegrind output file."""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise ValueError(f"{path.name} has no summary line")


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] != "--" or len(argv) < 2:
        print("usage: python benchmarks/instructions.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = list(argv[1:])
    if command[0] in ("python", "python3"):  # this interpreter, started directly
        command[0] = real_python()
    try:
        print(count({"command": command}, ok_codes=tuple(range(256)))["command"])
    except CountError as exc:
        print(f"instructions: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
