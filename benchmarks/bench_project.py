r"""Project-wide analysis benchmark (issue 15): what following imports into the project's own modules costs.

    python benchmarks/bench_project.py             # ~3-6 min on 2 shared cores; exit 0 iff every target holds
    python benchmarks/bench_project.py --quick     # 1 round: a smoke test, not a verdict
    python benchmarks/bench_project.py --keep DIR  # write the generated project to DIR (and keep it)

It generates a project (deterministic, no randomness): a shared `nets/` package of at least 2,000 lines (cell
factories, module-level cells handed out by accessors, custom cell classes, helpers that run RNNs under their own
scopes, forwarding wrappers, and the ordinary code such a package also holds), a `config.py`, and 200 modules
under `app/` that all import from `nets/` and `config` (each ~120 lines: a few model functions, some sharing a cell
in ways only the other module shows, and the data, loss and training code around them).

Each command is one process, timed on CPU (user + sys of its process tree, from wait4: the machine is shared, so
wall time is whatever the other sessions leave free), start-up included. One untimed warm-up per command, then
--rounds rounds with the order of the pair alternating; a target is the median over rounds of that round's A/B
(a paired ratio: both ran back to back). Targets:

  whole project: `check -j 1 PROJECT` over `check -j 1 --no-project PROJECT`          <= 1.3x
  one file:      `check app/model_000.py` over `check --no-project app/model_000.py`  <= 2.0x

The one-file row is what a pre-commit hook or an editor's flake8 pays for one changed file: the dependencies are
read from disk in that process. An info row gives the same pair in-process (no start-up; the module cache cleared
before each call), the analyzer's own cost, which start-up does not dilute.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

MODULES = 200
MIN_NETS_LINES = 2000
WHOLE_TARGET = 1.3
ONE_FILE_TARGET = 2.0
FAMILIES = 28  # of each kind of thing nets/ offers; app modules pick among them


# ----- the generated project ----------------------------------------------------------------------

def _cells_module() -> str:
    lines = ['"""Cell factories and cells built once at import time."""', "import tensorflow as tf", "",
             "import config", ""]
    for k in range(FAMILIES):
        lines += [f"_SHARED_{k} = tf.nn.rnn_cell.GRUCell(config.HIDDEN + {k})", "",
                  f"def make_lstm_{k}(units=config.HIDDEN, keep_prob=1.0):",
                  f'    """A fresh LSTM cell per call, with dropout when keep_prob < 1 (family {k})."""',
                  "    cell = tf.nn.rnn_cell.LSTMCell(units, name=None)",
                  "    if keep_prob < 1.0:",
                  "        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=keep_prob)",
                  "    return cell", "",
                  f"def shared_gru_{k}():",
                  f"    return _SHARED_{k}", "",
                  f"def make_stack_{k}(num_layers=config.NUM_LAYERS, units=config.HIDDEN):",
                  f"    return tf.nn.rnn_cell.MultiRNNCell([make_lstm_{k}(units) for _ in range(num_layers)])", "",
                  f"class ScaledCell{k}(tf.nn.rnn_cell.RNNCell):",
                  '    """A template cell: creates its variables in whatever scope it is called in."""', "",
                  "    def __init__(self, units):",
                  f"        super(ScaledCell{k}, self).__init__()",
                  "        self._units = units", "",
                  "    @property",
                  "    def state_size(self):",
                  "        return self._units", "",
                  "    @property",
                  "    def output_size(self):",
                  "        return self._units", "",
                  "    def __call__(self, inputs, state, scope=None):",
                  f"        with tf.variable_scope(scope or 'scaled_{k}'):",
                  "            w = tf.get_variable('w', [self._units])",
                  "        return inputs * w, state", ""]
    return "\n".join(lines) + "\n"


def _decoding_module() -> str:
    lines = ['"""Helpers that run the cell they are given under their own variable scope."""',
             "import tensorflow as tf", ""]
    for k in range(FAMILIES):
        lines += [f"def run_decoder_{k}(cell, inputs, initial_state, scope='decoder_{k}'):",
                  "    with tf.variable_scope(scope):",
                  "        outputs, state = tf.nn.dynamic_rnn(cell, inputs, initial_state=initial_state)",
                  "    return outputs, state", "",
                  f"def bidirectional_{k}(cell_fw, cell_bw, inputs, **kwargs):",
                  "    return tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, **kwargs)", ""]
    return "\n".join(lines) + "\n"


def _ops_module() -> str:
    """The ordinary code a model package holds besides its RNNs: no RNN in it, but it is read and evaluated."""
    lines = ['"""Tensor helpers: masks, losses, attention scores, clipping."""', "import tensorflow as tf", ""]
    for k in range(FAMILIES * 2):
        lines += [f"def masked_mean_{k}(values, lengths, max_len):",
                  "    mask = tf.sequence_mask(lengths, max_len, dtype=values.dtype)",
                  "    total = tf.reduce_sum(values * mask, axis=1)",
                  "    return total / tf.maximum(tf.reduce_sum(mask, axis=1), 1.0)", "",
                  f"def attention_scores_{k}(query, keys, units):",
                  f"    with tf.variable_scope('attention_{k}'):",
                  "        projected = tf.layers.dense(keys, units, use_bias=False)",
                  "        scores = tf.reduce_sum(projected * tf.expand_dims(query, 1), axis=2)",
                  "    return tf.nn.softmax(scores)", "",
                  f"def clipped_train_op_{k}(loss, learning_rate=0.001, clip=5.0):",
                  "    params = tf.trainable_variables()",
                  "    grads, _ = tf.clip_by_global_norm(tf.gradients(loss, params), clip)",
                  "    optimizer = tf.train.AdamOptimizer(learning_rate)",
                  "    return optimizer.apply_gradients(zip(grads, params))", ""]
    return "\n".join(lines) + "\n"


NETS_INIT = ('"""Network building blocks."""\n'
             "from .cells import make_lstm_0, make_stack_0, shared_gru_0  # re-exported\n"
             "from .decoding import run_decoder_0\n")
CONFIG = '"""Hyper-parameters."""\nNUM_LAYERS = 3\nHIDDEN = 64\nKEEP_PROB = 0.8\nVOCAB = 10000\n'


def _app_module(index: int) -> str:
    k = index % FAMILIES
    lines = [f'"""Model {index}: an encoder-decoder built from the shared nets package."""',
             "import argparse", "", "import numpy as np", "import tensorflow as tf", "",
             "import config",
             "from nets import make_lstm_0, run_decoder_0",
             f"from nets.cells import ScaledCell{k}, make_lstm_{k}, make_stack_{k}, shared_gru_{k}",
             f"from nets.decoding import bidirectional_{k}, run_decoder_{k}",
             f"from nets.ops import clipped_train_op_{k}, masked_mean_{k}", "", "",
             "def encoder(inputs, lengths):",
             f"    cells = [make_lstm_{k}(config.HIDDEN, config.KEEP_PROB) for _ in range(config.NUM_LAYERS)]",
             "    stack = tf.nn.rnn_cell.MultiRNNCell(cells)",
             "    with tf.variable_scope('encoder'):",
             "        return tf.nn.dynamic_rnn(stack, inputs, sequence_length=lengths, dtype=tf.float32)", "", ""]
    if index % 3 == 0:  # a cell built once in nets/ stacked as every layer: RNN101 through another module
        lines += ["def deep_encoder(inputs):",
                  f"    stack = tf.nn.rnn_cell.MultiRNNCell([shared_gru_{k}() for _ in range(config.NUM_LAYERS)])",
                  "    return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32, scope='deep')", "", ""]
    if index % 3 == 1:  # one cell both directions of the forwarding wrapper: RNN102
        lines += ["def tagger(inputs):",
                  f"    cell = make_lstm_{k}()",
                  f"    return bidirectional_{k}(cell, cell, inputs, dtype=tf.float32)", "", ""]
    if index % 3 == 2:  # the encoder's cell run again under the decoder's own scope: RNN103
        lines += ["def seq2seq(source, target):",
                  f"    cell = make_lstm_{k}()",
                  "    with tf.variable_scope('enc'):",
                  "        _, state = tf.nn.dynamic_rnn(cell, source, dtype=tf.float32)",
                  f"    return run_decoder_{k}(cell, target, state)", "", ""]
    lines += ["def template_stack(inputs):",
              f"    cell = ScaledCell{k}(config.HIDDEN)",
              "    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * config.NUM_LAYERS)",
              "    return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32, scope='template')", "", "",
              "def decoder(target, state):",
              f"    return run_decoder_{k}(make_stack_{k}(), target, state, scope='decoder_stack')", "", "",
              "def default_decoder(target, state):",
              "    return run_decoder_0(make_lstm_0(), target, state)", "", "",
              "def loss_and_train(logits, labels, lengths, max_len):",
              "    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
              f"    loss = tf.reduce_mean(masked_mean_{k}(losses, lengths, max_len))",
              f"    return loss, clipped_train_op_{k}(loss)", "", ""]
    # the rest of a training script: batching, vocabulary, the session loop
    lines += ["def pad(batch, width, value=0):",
              "    out = np.full((len(batch), width), value, dtype=np.int32)",
              "    for row, seq in enumerate(batch):",
              "        out[row, :len(seq)] = seq[:width]",
              "    return out", "", "",
              "def batches(data, size):",
              "    order = np.random.permutation(len(data))",
              "    for start in range(0, len(data), size):",
              "        chunk = [data[i] for i in order[start:start + size]]",
              "        lengths = np.array([len(seq) for seq in chunk], dtype=np.int32)",
              "        yield pad(chunk, int(lengths.max())), lengths", "", "",
              "def vocabulary(lines, limit=config.VOCAB):",
              "    counts = {}",
              "    for line in lines:",
              "        for word in line.split():",
              "            counts[word] = counts.get(word, 0) + 1",
              "    ranked = sorted(counts, key=counts.get, reverse=True)[:limit]",
              "    return {word: i + 2 for i, word in enumerate(ranked)}", "", ""]
    for step in range(6):
        lines += [f"def report_{step}(step, loss, every={10 * (step + 1)}):",
                  "    if step % every == 0:",
                  f"        print('stage {step}', step, float(loss))",
                  "    return step + 1", "", ""]
    lines += ["def main():",
              "    parser = argparse.ArgumentParser()",
              "    parser.add_argument('--steps', type=int, default=1000)",
              "    parser.add_argument('--batch', type=int, default=32)",
              "    args = parser.parse_args()",
              "    source = tf.placeholder(tf.float32, [None, None, 16])",
              "    target = tf.placeholder(tf.float32, [None, None, 16])",
              "    lengths = tf.placeholder(tf.int32, [None])",
              "    outputs, state = encoder(source, lengths)",
              "    decoded, _ = decoder(target, state)",
              "    logits = tf.layers.dense(decoded, config.VOCAB)",
              "    labels = tf.placeholder(tf.int32, [None, None])",
              "    loss, train = loss_and_train(logits, labels, lengths, tf.shape(labels)[1])",
              "    with tf.Session() as session:",
              "        session.run(tf.global_variables_initializer())",
              "        for step in range(args.steps):",
              "            report_0(step, session.run(loss))", "", "",
              "if __name__ == '__main__':",
              "    main()"]
    return "\n".join(lines) + "\n"


def generate(root: str) -> Dict[str, int]:
    """Write the project under `root`; returns line counts (nets, app module median, modules)."""
    files = {"pyproject.toml": '[project]\nname = "bench-project"\nversion = "0"\n', "config.py": CONFIG,
             "nets/__init__.py": NETS_INIT, "nets/cells.py": _cells_module(), "nets/decoding.py": _decoding_module(),
             "nets/ops.py": _ops_module(), "app/__init__.py": '"""The models."""\n'}
    files.update({f"app/model_{i:03d}.py": _app_module(i) for i in range(MODULES)})
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    nets = sum(text.count("\n") for rel, text in files.items() if rel.startswith("nets/"))
    app = statistics.median(text.count("\n") for rel, text in files.items() if rel.startswith("app/model_"))
    return {"nets_lines": nets, "app_module_lines": int(app), "modules": MODULES}


# ----- measuring ----------------------------------------------------------------------------------

def cpu_of(command: Sequence[str], cwd: str) -> Tuple[float, bytes]:
    """CPU seconds (user + sys) of one process and the processes it waited for, and its stdout."""
    proc = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read()
    # wait4, not wait: the rusage of this child including its reaped descendants (check's worker process)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, out


def paired(first: Callable[[], float], second: Callable[[], float], rounds: int) -> Tuple[float, float, float]:
    """(median of a/b over rounds, median a, median b); the order of the pair alternates each round."""
    first(), second()  # warm-up: page cache, .pyc files
    a_times: List[float] = []
    b_times: List[float] = []
    for round_index in range(rounds):
        if round_index % 2:
            b_times.append(second())
            a_times.append(first())
        else:
            a_times.append(first())
            b_times.append(second())
    ratio = statistics.median(a / b for a, b in zip(a_times, b_times))
    return ratio, statistics.median(a_times), statistics.median(b_times)


def findings(output: bytes) -> int:
    return sum(1 for line in output.decode("utf-8", "replace").splitlines() if ": RNN" in line)


def in_process(path: str, project: bool, repeat: int) -> float:
    """CPU seconds of linting one file in this process (the module cache cleared first: a fresh process)."""
    from rnn_reuse_lint import modules
    from rnn_reuse_lint.commands.check import lint_file
    from rnn_reuse_lint.settings import Settings

    settings = Settings(project=project)
    start = time.process_time()
    for _ in range(repeat):
        modules.clear_cache()
        lint_file(path, settings)
    return (time.process_time() - start) / repeat


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="one round")
    parser.add_argument("--keep", metavar="DIR", help="generate the project into DIR and leave it there")
    args = parser.parse_args(list(argv) or None)
    rounds = 1 if args.quick else args.rounds
    where = args.keep or tempfile.mkdtemp(prefix="rrl-bench-project-")
    if args.keep:
        shutil.rmtree(where, ignore_errors=True)
    counts = generate(where)
    if counts["nets_lines"] < MIN_NETS_LINES:
        raise SystemExit(f"generator bug: nets/ has {counts['nets_lines']} lines (< {MIN_NETS_LINES})")
    check = [sys.executable, "-m", "rnn_reuse_lint", "check", "--isolated", "-q", "--no-show-source", "-j", "1"]
    one = os.path.join("app", "model_000.py")
    verdicts: List[bool] = []
    try:
        print(f"project: {counts['modules']} app modules (median {counts['app_module_lines']} lines), "
              f"nets/ {counts['nets_lines']} lines, in {where}")
        _, with_out = cpu_of(check + ["."], where)
        _, without_out = cpu_of(check + ["--no-project", "."], where)
        print(f"findings: {findings(with_out)} project-wide, {findings(without_out)} per file")
        rows = [("whole project: check -j 1 / --no-project", check + ["."], check + ["--no-project", "."],
                 WHOLE_TARGET),
                ("one file: check app/model_000.py / --no-project", check + [one], check + ["--no-project", one],
                 ONE_FILE_TARGET)]
        print(f"\n{'row':<50} {'CPU s A':>8} {'CPU s B':>8} {'A/B':>6}  target  verdict")
        for label, a_cmd, b_cmd, target in rows:
            ratio, a, b = paired(lambda: cpu_of(a_cmd, where)[0], lambda: cpu_of(b_cmd, where)[0], rounds)
            good = ratio <= target
            verdicts.append(good)
            print(f"{label:<50} {a:8.3f} {b:8.3f} {ratio:6.2f}  <= {target:g}x  {'PASS' if good else 'FAIL'}")
        path = os.path.join(where, one)
        ratio, a, b = paired(lambda: in_process(path, True, 3), lambda: in_process(path, False, 3), rounds)
        print(f"{'info: one file in-process (no start-up)':<50} {a:8.3f} {b:8.3f} {ratio:6.2f}  –       –")
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
    passed = all(verdicts)
    print("\nall targets hold" if passed else "\nSOME TARGETS FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
