"""Autofix for RNN101/RNN102: exact rewrites, safe vs unsafe vs none (with reasons), and the fix loop."""
from __future__ import annotations

import textwrap

import pytest

from rnn_reuse_lint.commands.check import lint_bytes
from rnn_reuse_lint.finding import Edit, FileResult, Finding, Span
from rnn_reuse_lint.fixes.apply import FixConflict, apply_edits, choose, fix_text
from rnn_reuse_lint.settings import Settings

SETTINGS = Settings()


def lint(text: str, path: str = "m.py") -> FileResult:
    return lint_bytes(text.encode("utf-8"), path, SETTINGS)


def fixed(source: str, unsafe: bool = False) -> str:
    text = textwrap.dedent(source)
    return fix_text(text, lint, unsafe).text


def only(source: str, code: str) -> Finding:
    findings = [f for f in lint(textwrap.dedent(source)).findings if f.code == code]
    assert len(findings) == 1, findings
    return findings[0]


def same(a: str, b: str) -> None:
    assert a == textwrap.dedent(b), a


# ----- safe rewrites: exact results ---------------------------------------------------------------

def test_list_times_n_in_function_moves_the_constructor_and_drops_the_dead_line() -> None:
    same(fixed("""
        import tensorflow as tf
        def build(units, layers, x):
            cell = tf.nn.rnn_cell.LSTMCell(units)
            cell = tf.nn.rnn_cell.MultiRNNCell([cell] * layers)
            return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        """), """
        import tensorflow as tf
        def build(units, layers, x):
            cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(units)
                                                for _ in range(layers)])
            return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        """)


def test_n_times_list_and_constructor_times_n() -> None:
    same(fixed("""
        import tensorflow as tf
        a = tf.nn.rnn_cell.MultiRNNCell(3 * [tf.nn.rnn_cell.GRUCell(8)])
        """), """
        import tensorflow as tf
        a = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8) for _ in range(3)])
        """)


def test_wrapped_cell_built_in_two_statements_gets_a_local_factory() -> None:
    same(fixed("""
        import tensorflow as tf
        def build(units, layers, keep):
            cell = tf.nn.rnn_cell.LSTMCell(units)
            cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=keep)
            return tf.nn.rnn_cell.MultiRNNCell([cell] * layers)
        """), """
        import tensorflow as tf
        def build(units, layers, keep):
            def make_cell():
                cell = tf.nn.rnn_cell.LSTMCell(units)
                cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=keep)
                return cell
            return tf.nn.rnn_cell.MultiRNNCell([make_cell() for _ in range(layers)])
        """)


def test_ptb_conditional_dropout_gets_a_factory_with_the_if() -> None:
    same(fixed("""
        import tensorflow as tf
        def stack(config, is_training):
            lstm = tf.nn.rnn_cell.BasicLSTMCell(config.hidden_size, forget_bias=0.0)
            if is_training and config.keep_prob < 1:
                lstm = tf.nn.rnn_cell.DropoutWrapper(lstm, output_keep_prob=config.keep_prob)
            return tf.nn.rnn_cell.MultiRNNCell([lstm] * config.num_layers)
        """), """
        import tensorflow as tf
        def stack(config, is_training):
            def make_lstm():
                lstm = tf.nn.rnn_cell.BasicLSTMCell(config.hidden_size, forget_bias=0.0)
                if is_training and config.keep_prob < 1:
                    lstm = tf.nn.rnn_cell.DropoutWrapper(lstm,
                                                         output_keep_prob=config.keep_prob)
                return lstm
            return tf.nn.rnn_cell.MultiRNNCell([make_lstm()
                                                for _ in range(config.num_layers)])
        """)


def test_factory_name_does_not_clash() -> None:
    out = fixed("""
        import tensorflow as tf
        def make_cell():
            return None
        def build(units, layers, keep):
            cell = tf.nn.rnn_cell.LSTMCell(units)
            cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=keep)
            return tf.nn.rnn_cell.MultiRNNCell([cell] * layers)
        """)
    assert "def make_cell_2():" in out and "[make_cell_2() for _ in range(layers)]" in out


def test_comprehension_over_outside_cell() -> None:
    same(fixed("""
        from tensorflow.contrib import rnn
        cell = rnn.BasicLSTMCell(8)
        stack = rnn.MultiRNNCell([cell for _ in range(2)])
        """), """
        from tensorflow.contrib import rnn
        stack = rnn.MultiRNNCell([rnn.BasicLSTMCell(8) for _ in range(2)])
        """)


def test_append_in_loop_and_wrapper_around_shared_base() -> None:
    same(fixed("""
        import tensorflow as tf
        def build(keep):
            base = tf.nn.rnn_cell.GRUCell(8)
            cells = []
            for i in range(3):
                cell = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=keep)
                if i > 0:
                    cell = tf.nn.rnn_cell.ResidualWrapper(cell)
                cells.append(cell)
            return tf.nn.rnn_cell.MultiRNNCell(cells)
        """), """
        import tensorflow as tf
        def build(keep):
            cells = []
            for i in range(3):
                cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(8),
                                                     output_keep_prob=keep)
                if i > 0:
                    cell = tf.nn.rnn_cell.ResidualWrapper(cell)
                cells.append(cell)
            return tf.nn.rnn_cell.MultiRNNCell(cells)
        """)


def test_repeated_element_keeps_the_first_layer_object() -> None:
    same(fixed("""
        import tensorflow as tf
        a = tf.nn.rnn_cell.LSTMCell(8)
        b = tf.nn.rnn_cell.LSTMCell(8)
        stack = tf.nn.rnn_cell.MultiRNNCell([a, b, a])
        """), """
        import tensorflow as tf
        a = tf.nn.rnn_cell.LSTMCell(8)
        b = tf.nn.rnn_cell.LSTMCell(8)
        stack = tf.nn.rnn_cell.MultiRNNCell([a, b, tf.nn.rnn_cell.LSTMCell(8)])
        """)


def test_keras_stacked_cells_and_conditional_class() -> None:
    same(fixed("""
        import tensorflow as tf
        def build(gru):
            cell = tf.keras.layers.GRUCell(8) if gru else tf.keras.layers.LSTMCell(8)
            return tf.keras.layers.RNN(tf.keras.layers.StackedRNNCells([cell] * 2))
        """), """
        import tensorflow as tf
        def build(gru):
            return tf.keras.layers.RNN(tf.keras.layers.StackedRNNCells([tf.keras.layers.GRUCell(8) if gru else tf.keras.layers.LSTMCell(8) for _ in range(2)]))
        """)


def test_bidirectional_same_cell_gets_a_backward_copy_and_keeps_forward() -> None:
    same(fixed("""
        import tensorflow as tf
        cell = tf.nn.rnn_cell.LSTMCell(64)
        out, st = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, initial_state_fw=cell.zero_state(2, tf.float32))
        """), """
        import tensorflow as tf
        cell = tf.nn.rnn_cell.LSTMCell(64)
        out, st = tf.nn.bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.LSTMCell(64), x,
                                                  initial_state_fw=cell.zero_state(2, tf.float32))
        """)


def test_bidirectional_alias_and_wrappers_around_one_base() -> None:
    same(fixed("""
        import tensorflow as tf
        base = tf.nn.rnn_cell.LSTMCell(8)
        fw = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=0.9)
        bw = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=0.9)
        out, st = tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)
        """), """
        import tensorflow as tf
        base = tf.nn.rnn_cell.LSTMCell(8)
        fw = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=0.9)
        bw = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(8),
                                           output_keep_prob=0.9)
        out, st = tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)
        """)


def test_stacked_bidirectional_same_list_rebuilds_the_backward_list() -> None:
    same(fixed("""
        import tensorflow as tf
        cells = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]
        out, f, b = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells, cells, x, dtype=tf.float32)
        """), """
        import tensorflow as tf
        cells = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]
        out, f, b = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells,
                                                                   [tf.nn.rnn_cell.LSTMCell(8)
                                                                    for _ in range(2)],
                                                                   x, dtype=tf.float32)
        """)


def test_pure_local_factory_called_once_is_called_per_layer() -> None:
    same(fixed("""
        import tensorflow as tf
        def build(size, n):
            make = lambda: tf.nn.rnn_cell.LSTMCell(size, reuse=tf.get_variable_scope().reuse)
            return tf.nn.rnn_cell.MultiRNNCell([make()] * n)
        """), """
        import tensorflow as tf
        def build(size, n):
            make = lambda: tf.nn.rnn_cell.LSTMCell(size, reuse=tf.get_variable_scope().reuse)
            return tf.nn.rnn_cell.MultiRNNCell([make() for _ in range(n)])
        """)


def test_comments_and_formatting_outside_the_edit_are_kept() -> None:
    source = textwrap.dedent("""
        import tensorflow as tf  # the framework
        # a comment above
        def build(units,   layers):  # odd spacing kept
            cell = tf.nn.rnn_cell.GRUCell(units)
            return tf.nn.rnn_cell.MultiRNNCell([cell] * layers,
                                               state_is_tuple=True)  # trailing
        """)
    out = fix_text(source, lint).text
    assert out.splitlines()[1:4] == source.splitlines()[1:4]
    assert "state_is_tuple=True)  # trailing" in out


# ----- unsafe and refused fixes: reasons ----------------------------------------------------------

def test_cell_used_elsewhere_makes_the_fix_unsafe() -> None:
    source = """
        import tensorflow as tf
        def build(x, layers):
            cell = tf.nn.rnn_cell.LSTMCell(8)
            stack = tf.nn.rnn_cell.MultiRNNCell([cell] * layers)
            size = cell.output_size
            return stack, size
        """
    finding = only(source, "RNN101")
    assert finding.fix is not None and not finding.fix.safe
    assert "`cell` is also used at line 6" in finding.fix.reason
    assert fixed(source) == textwrap.dedent(source)  # --fix alone leaves it
    out = fixed(source, unsafe=True)
    assert "[tf.nn.rnn_cell.LSTMCell(8)\n" + " " * 41 + "for _ in range(layers)]" in out  # within 79 columns
    assert "cell = tf.nn.rnn_cell.LSTMCell(8)" in out  # kept: it is still used


def test_construction_with_an_unknown_call_is_unsafe() -> None:
    finding = only("""
        import tensorflow as tf
        from mylib import make_initializer
        cell = tf.nn.rnn_cell.LSTMCell(8, initializer=make_initializer())
        stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
        """, "RNN101")
    assert finding.fix is not None and not finding.fix.safe
    assert "`make_initializer()`" in finding.fix.reason and "once per layer" in finding.fix.reason


def test_tf_initializers_are_pure() -> None:
    finding = only("""
        import tensorflow as tf
        cell = tf.nn.rnn_cell.LSTMCell(8, initializer=tf.orthogonal_initializer())
        stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
        """, "RNN101")
    assert finding.fix is not None and finding.fix.safe


@pytest.mark.parametrize("source, reason", [
    ("""
     import tensorflow as tf
     def build(cell, n):
         return tf.nn.rnn_cell.MultiRNNCell([cell] * n)
     def caller():
         return build(tf.nn.rnn_cell.LSTMCell(8), 2)
     """, "comes from outside the function (a parameter of `build`)"),
    ("""
     import tensorflow as tf
     cells = [tf.nn.rnn_cell.LSTMCell(8)]
     stack = tf.nn.rnn_cell.MultiRNNCell([cells[0]] * 2)
     """, "`cells[0]` is stored in a container"),
    ("""
     import tensorflow as tf
     shared = tf.nn.rnn_cell.GRUCell(8)
     def get_cell():
         return shared
     stack = tf.nn.rnn_cell.MultiRNNCell([get_cell() for _ in range(2)])
     """, "`get_cell()` returns the same object every time it is called"),
    ("""
     import tensorflow as tf
     size = 8
     cell = tf.nn.rnn_cell.LSTMCell(size)
     size = 16
     stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
     """, "`size` changes between where the object is built and where the fix would build it"),
    ("""
     import tensorflow as tf
     cells = {}
     a = cells["x"] = tf.nn.rnn_cell.LSTMCell(8)
     stack = tf.nn.rnn_cell.MultiRNNCell([a] * 2)
     """, "`a` is set by a statement the fixer does not rewrite (line 4)"),
])
def test_no_fix_says_why(source: str, reason: str) -> None:
    finding = only(source, "RNN101")
    assert finding.fix is None
    assert finding.no_fix is not None and reason in finding.no_fix, finding.no_fix


def test_class_body_comprehension_is_not_written() -> None:
    # a comprehension in a class body cannot see the class's names: no fix rather than a NameError
    finding = only("""
        import tensorflow as tf
        class Config:
            units = 8
            cell = tf.nn.rnn_cell.LSTMCell(units)
            stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
        """, "RNN101")
    assert finding.fix is None and finding.no_fix


# ----- the fix loop ---------------------------------------------------------------------------------

def test_second_run_changes_nothing_and_no_new_findings() -> None:
    source = textwrap.dedent("""
        import tensorflow as tf
        cell = tf.nn.rnn_cell.GRUCell(8)
        stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 3)
        out, st = tf.nn.bidirectional_dynamic_rnn(stack, stack, x, dtype=tf.float32)
        """)
    first = fix_text(source, lint)
    assert {f.code for f in first.fixed} == {"RNN101", "RNN102"}
    assert first.result.findings == ()
    second = fix_text(first.text, lint)
    assert second.text == first.text and second.fixed == ()


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    def finding(line: int, column: int, end: int) -> Finding:
        from rnn_reuse_lint.finding import Fix

        return Finding("RNN101", "n", "error", "m.py", Span(line, 1, line, 1), "m",
                       fix=Fix("d", (Edit(Span(line, column, line, end), "x"),), True))

    chosen = choose([finding(1, 1, 5), finding(1, 3, 8), finding(1, 5, 6)], unsafe=False)
    assert [f.fix.edits[0].span.column for f in chosen] == [1, 5]  # type: ignore[union-attr]


def test_apply_edits_checks_positions() -> None:
    text = "ab\ncd\n"
    assert apply_edits(text, [Edit(Span(2, 1, 3, 1), "")]) == "ab\n"
    assert apply_edits(text, [Edit(Span(1, 2, 1, 2), "X"), Edit(Span(2, 1, 2, 3), "Y")]) == "aXb\nY\n"
    with pytest.raises(FixConflict):
        apply_edits(text, [Edit(Span(1, 1, 1, 3), ""), Edit(Span(1, 2, 2, 1), "")])
    with pytest.raises(FixConflict):
        apply_edits(text, [Edit(Span(7, 1, 7, 2), "")])


def test_a_fix_that_would_break_the_file_is_not_applied() -> None:
    from rnn_reuse_lint.finding import Fix

    source = "import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([c] * 2)\n"

    def broken_lint(text: str) -> FileResult:
        result = lint(text)
        bad = Finding("RNN101", "n", "error", "m.py", Span(2, 1, 2, 1), "m",
                      fix=Fix("breaks", (Edit(Span(2, 1, 2, 6), "stack = ("),), True))
        return result if text != source else FileResult("m.py", findings=(bad,))

    outcome = fix_text(source, broken_lint)
    assert outcome.text == source and "does not parse" in outcome.problem


def test_noqa_silenced_findings_are_not_fixed() -> None:
    source = textwrap.dedent("""
        import tensorflow as tf
        cell = tf.nn.rnn_cell.GRUCell(8)
        stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 3)  # noqa: RNN101
        """)
    assert fix_text(source, lint).text == source


def test_python2_files_are_reported_without_fixes() -> None:
    finding = only("""
        import tensorflow as tf
        print "legacy"
        cell = tf.nn.rnn_cell.LSTMCell(8)
        stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
        """, "RNN101")
    assert finding.fix is None and "Python 2" in (finding.no_fix or "")


def test_a_comprehension_variable_with_the_same_name_blocks_the_fix() -> None:
    finding = only("""
        import tensorflow as tf
        size = 8
        cell = tf.nn.rnn_cell.LSTMCell(size)
        stack = tf.nn.rnn_cell.MultiRNNCell([cell for size in (4, 8)])
        """, "RNN101")
    assert finding.fix is None and "`size` means something else inside the comprehension" in (finding.no_fix or "")


def test_char_rnn_class_with_chained_assignment() -> None:
    source = """
        import tensorflow as tf
        rnn_cell = tf.nn.rnn_cell
        class Model():
            def __init__(self, args):
                if args.model == 'rnn':
                    cell_fn = rnn_cell.BasicRNNCell
                elif args.model == 'gru':
                    cell_fn = rnn_cell.GRUCell
                else:
                    raise Exception("model type not supported: {}".format(args.model))
                cell = cell_fn(args.rnn_size, state_is_tuple=True)
                self.cell = cell = rnn_cell.MultiRNNCell([cell] * args.num_layers, state_is_tuple=True)
                self.initial_state = cell.zero_state(args.batch_size, tf.float32)
        """
    out = fixed(source)
    assert "cell = cell_fn(args.rnn_size, state_is_tuple=True)\n" not in out
    assert ("self.cell = cell = rnn_cell.MultiRNNCell([cell_fn(args.rnn_size, state_is_tuple=True)\n"
            + " " * 50 + "for _ in range(args.num_layers)],\n"
            + " " * 49 + "state_is_tuple=True)") in out  # broken within 79 columns (fixes/wrap.py)
    assert "self.initial_state = cell.zero_state(args.batch_size, tf.float32)" in out


def test_branches_that_each_build_a_cell_become_a_factory() -> None:
    same(fixed("""
        import tensorflow as tf
        def build(use_gru, n, k):
            if use_gru:
                cell = tf.nn.rnn_cell.GRUCell(n)
            else:
                cell = tf.nn.rnn_cell.LSTMCell(n)
            return tf.nn.rnn_cell.MultiRNNCell([cell] * k)
        """), """
        import tensorflow as tf
        def build(use_gru, n, k):
            def make_cell():
                if use_gru:
                    cell = tf.nn.rnn_cell.GRUCell(n)
                else:
                    cell = tf.nn.rnn_cell.LSTMCell(n)
                return cell
            return tf.nn.rnn_cell.MultiRNNCell([make_cell() for _ in range(k)])
        """)


def test_chained_assignment_of_both_directions() -> None:
    same(fixed("""
        import tensorflow as tf
        def encode(x):
            cell_fw = cell_bw = tf.nn.rnn_cell.GRUCell(64)
            return tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, x, dtype=tf.float32)
        """), """
        import tensorflow as tf
        def encode(x):
            cell_fw = cell_bw = tf.nn.rnn_cell.GRUCell(64)
            return tf.nn.bidirectional_dynamic_rnn(cell_fw, tf.nn.rnn_cell.GRUCell(64),
                                                   x, dtype=tf.float32)
        """)


def test_chained_assignment_alias_used_elsewhere_is_unsafe() -> None:
    finding = only("""
        import tensorflow as tf
        def build(x):
            cell = base = tf.nn.rnn_cell.GRUCell(64)
            stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
            return stack, base.output_size
        """, "RNN101")
    assert finding.fix is not None and not finding.fix.safe and "`base` is also used" in finding.fix.reason


def test_tuple_unpacking_of_one_cell_into_both_directions() -> None:
    same(fixed("""
        import tensorflow as tf
        def encode(x):
            cell = tf.nn.rnn_cell.GRUCell(64)
            cell_fw, cell_bw = cell, cell
            return tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, x, dtype=tf.float32)
        """), """
        import tensorflow as tf
        def encode(x):
            cell = tf.nn.rnn_cell.GRUCell(64)
            cell_fw, cell_bw = cell, cell
            return tf.nn.bidirectional_dynamic_rnn(cell_fw, tf.nn.rnn_cell.GRUCell(64),
                                                   x, dtype=tf.float32)
        """)


def test_seq2seq_tutorial_layout_with_a_branch_the_evaluation_skipped() -> None:
    # `use_lstm=False` decides the branch for the evaluator; the fixer still knows BasicLSTMCell is a TF class
    source = """
        import tensorflow as tf
        class Seq2SeqModel(object):
          def __init__(self, size, num_layers, use_lstm=False):
            single_cell = tf.contrib.rnn.GRUCell(size)
            if use_lstm:
              single_cell = tf.contrib.rnn.BasicLSTMCell(size)
            cell = single_cell
            if num_layers > 1:
              cell = tf.contrib.rnn.MultiRNNCell([single_cell] * num_layers)
            self.cell = cell
        """
    finding = only(source, "RNN101")
    assert finding.fix is not None and not finding.fix.safe
    assert "`single_cell` is also used at line 8" in finding.fix.reason
    out = fixed(source, unsafe=True)
    factory = ("      def make_single_cell():\n"
               "        single_cell = tf.contrib.rnn.GRUCell(size)\n"
               "        if use_lstm:\n"
               "          single_cell = tf.contrib.rnn.BasicLSTMCell(size)\n"
               "        return single_cell\n"
               "      cell = tf.contrib.rnn.MultiRNNCell([make_single_cell()\n"
               "                                          for _ in range(num_layers)])\n")
    assert out == textwrap.dedent(source).replace(
        "      cell = tf.contrib.rnn.MultiRNNCell([single_cell] * num_layers)\n", factory)
    assert lint(out).findings == ()


def test_a_stack_built_inside_a_lambda_is_not_rewritten() -> None:
    # the lambda runs later, when `size` may have changed: moving LSTMCell(size) into it is not the same
    finding = only("""
        import tensorflow as tf
        size = 8
        cell = tf.nn.rnn_cell.LSTMCell(size)
        make = lambda: tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
        size = 16
        stack = make()
        """, "RNN101")
    assert finding.fix is None and "inside a lambda" in (finding.no_fix or "")


def test_a_config_attribute_changed_in_between_blocks_the_fix() -> None:
    finding = only("""
        import tensorflow as tf
        def build(config):
            cell = tf.nn.rnn_cell.LSTMCell(config.hidden_size)
            config.hidden_size = 2 * config.hidden_size
            return tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
        """, "RNN101")
    assert finding.fix is None and "`config.hidden_size` changes between" in (finding.no_fix or "")


def test_other_attributes_of_self_set_in_between_do_not_block_the_fix() -> None:
    finding = only("""
        import tensorflow as tf
        class Model(object):
            def __init__(self, config):
                self.hidden = config.hidden
                cell = tf.nn.rnn_cell.LSTMCell(self.hidden)
                self.keep_prob = config.keep_prob
                self.stack = tf.nn.rnn_cell.MultiRNNCell([cell] * config.layers)
        """, "RNN101")
    assert finding.fix is not None and finding.fix.safe


def test_attribute_alias_of_the_forward_cell_is_rewritten_where_it_is_set() -> None:
    same(fixed("""
        import tensorflow as tf
        class BiLSTMLayer:
            def __init__(self, num_units):
                self.cell_fw = tf.nn.rnn_cell.BasicLSTMCell(num_units)
                self.cell_bw = self.cell_fw

            def encode(self, inputs):
                return tf.nn.bidirectional_dynamic_rnn(self.cell_fw, self.cell_bw, inputs, dtype=tf.float32)
        """), """
        import tensorflow as tf
        class BiLSTMLayer:
            def __init__(self, num_units):
                self.cell_fw = tf.nn.rnn_cell.BasicLSTMCell(num_units)
                self.cell_bw = tf.nn.rnn_cell.BasicLSTMCell(num_units)

            def encode(self, inputs):
                return tf.nn.bidirectional_dynamic_rnn(self.cell_fw, self.cell_bw, inputs, dtype=tf.float32)
        """)


def test_attribute_layer_cell_is_an_unsafe_fix() -> None:
    source = """
        import tensorflow as tf
        class Encoder:
            def __init__(self, num_units, num_layers):
                self.cell = tf.nn.rnn_cell.GRUCell(num_units)
                self.stack = tf.nn.rnn_cell.MultiRNNCell([self.cell for _ in range(num_layers)])
        """
    finding = only(source, "RNN101")
    assert finding.fix is not None and not finding.fix.safe
    assert "`self.cell` is an attribute other code may read" in finding.fix.reason
    out = fixed(source, unsafe=True)
    assert "self.cell = tf.nn.rnn_cell.GRUCell(num_units)" in out  # kept: others may read it
    assert "MultiRNNCell([tf.nn.rnn_cell.GRUCell(num_units)\n" + " " * 50 + "for _ in range(num_layers)])" in out


def test_attribute_set_twice_or_in_another_method_has_no_fix() -> None:
    finding = only("""
        import tensorflow as tf
        class Encoder:
            def __init__(self, num_units):
                self.cell = tf.nn.rnn_cell.GRUCell(num_units)

            def build(self, layers):
                return tf.nn.rnn_cell.MultiRNNCell([self.cell] * layers)
        """, "RNN101")
    assert finding.fix is None and "`self.cell` is set in another method (line 5)" in (finding.no_fix or "")
