"""`explain --format markdown`: its Mermaid graph parses and renders with the real `mermaid` package in Chromium."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any, List

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.browser


def _markdown(*paths: str) -> str:
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", "--format", "markdown", *paths],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def _graphs(markdown: str) -> List[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S)


def _render(browser: Any, mermaid_js: str, graph: str) -> Any:
    page = browser.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content("<!DOCTYPE html><html><body><div id='out'></div></body></html>")
    page.add_script_tag(path=mermaid_js)
    result = page.evaluate("""async (text) => {
      mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
      const parsed = await mermaid.parse(text);
      const {svg} = await mermaid.render("graph", text);
      document.getElementById("out").innerHTML = svg;
      const root = document.querySelector("#out svg");
      return {parsed: !!parsed, nodes: root.querySelectorAll("g.node").length,
              edges: root.querySelectorAll("path.flowchart-link, .edgePaths path").length,
              clusters: root.querySelectorAll("g.cluster").length, text: root.textContent};
    }""", graph)
    assert errors == []
    page.close()
    return result


@pytest.mark.parametrize("fixture, runs, layers, arrows, label", [
    pytest.param("seed_second_stack_reuses.py", 2, 6, 3, "borrows", id="seed-intended"),
    pytest.param("dynamic/rnn101_char_rnn_list_multiply.py", 1, 3, 2, "RNN101", id="rnn101"),
    pytest.param("dynamic/rnn103_encoder_decoder.py", 2, 2, 1, "RNN103", id="rnn103"),
    pytest.param("dynamic/driver_keras_layer_names.py", 7, 11, 0, "forward_gru", id="keras-names"),
])
def test_mermaid_graph_renders(browser: Any, mermaid_js: str, fixture: str, runs: int, layers: int, arrows: int,
                               label: str) -> None:
    [graph] = _graphs(_markdown(os.path.join(FIXTURES, fixture)))
    result = _render(browser, mermaid_js, graph)
    assert result["parsed"]
    assert (result["clusters"], result["nodes"], result["edges"]) == (runs, layers, arrows)
    assert label in result["text"]


def test_invalid_mermaid_is_rejected_by_the_same_check(browser: Any, mermaid_js: str) -> None:
    """The render check can fail: an unquoted label with brackets is a Mermaid syntax error."""
    with pytest.raises(Exception, match="Parse error|Syntax error|Error"):
        _render(browser, mermaid_js, 'graph LR\n  a[layer 0 {kernel,bias}] --> b["x"]\n  a -->|x| ((\n')


def test_markdown_answers_the_seed_question() -> None:
    text = _markdown(os.path.join(FIXTURES, "seed_second_stack_reuses.py"))
    assert "| 1 | 24 | `dynamic_rnn` | `lstm/rnn` | 2 | `LSTMCell` (line 12) | " \
           "`lstm/rnn/multi_rnn_cell/cell_2/lstm_cell/{kernel,bias}` | run 0 layer 2 |" in text
    assert "r1l2 -->|\"borrows\"| r0l2" in text


def test_check_markdown_pictures_render(browser: Any, mermaid_js: str) -> None:
    """`check --format markdown`: one bullet per finding, each with a Mermaid picture of the runs it involves."""
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "markdown",
                           os.path.join(FIXTURES, "dynamic", "rnn103_encoder_decoder.py"),
                           os.path.join(FIXTURES, "rnn102_bidirectional_tagger.py")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1, done.stderr
    bullets = [line for line in done.stdout.splitlines() if line.startswith("- **RNN")]
    graphs = re.findall(r"  ```mermaid\n(.*?)  ```", done.stdout, flags=re.S)
    assert len(bullets) == len(graphs) > 5
    for graph in graphs:
        result = _render(browser, mermaid_js, graph)
        code = "RNN103" if "decoder/rnn" in graph else "RNN102"
        assert result["parsed"] and result["edges"] >= 1 and code in result["text"]
