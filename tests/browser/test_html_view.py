"""`explain --format html` in a real headless Chromium: renders cleanly, fetches nothing, arrows join their boxes."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict, List, Tuple

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.browser

TOLERANCE = 1.5  # px: an arrow end must lie on its box's border, not merely near the box

_ARROWS_JS = """() => Array.from(document.querySelectorAll("path.arrow")).map(p => {
  const m = p.getScreenCTM(), len = p.getTotalLength();
  const ends = [p.getPointAtLength(0), p.getPointAtLength(len)].map(q => new DOMPoint(q.x, q.y).matrixTransform(m));
  const rects = [p.dataset.from, p.dataset.to].map(
    id => document.getElementById(id).querySelector("rect.box").getBoundingClientRect());
  return {id: p.id, kind: p.dataset.kind, code: p.dataset.code || null, from: p.dataset.from, to: p.dataset.to,
          ends: ends.map((q, i) => ({x: q.x, y: q.y, left: rects[i].left, right: rects[i].right,
                                     top: rects[i].top, bottom: rects[i].bottom}))};
})"""


def _html(tmp_path: Any, *paths: str) -> str:
    out = str(tmp_path / "report.html")
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", "--format", "html", *paths, "-o", out],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout == ""
    return out


def _open(browser: Any, path: str) -> Tuple[Any, List[str], List[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: List[str] = []
    fetched: List[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("file://" + path)
    return page, errors, fetched


def _off_border(arrow: Dict[str, Any]) -> List[str]:
    """Why an arrow's end points do not lie on the borders of the boxes it claims to join (empty: they do)."""
    problems = []
    for end, name in zip(arrow["ends"], ("start", "end")):
        x, y = end["x"], end["y"]
        inside = (end["left"] - TOLERANCE <= x <= end["right"] + TOLERANCE
                  and end["top"] - TOLERANCE <= y <= end["bottom"] + TOLERANCE)
        gap = min(abs(x - end["left"]), abs(x - end["right"]), abs(y - end["top"]), abs(y - end["bottom"]))
        if not inside or gap > TOLERANCE:
            problems.append(f"{arrow['id']} {name} ({x:.1f}, {y:.1f}) is not on the border of "
                            f"{arrow['from'] if name == 'start' else arrow['to']}")
    return problems


def _arrows(page: Any) -> List[Dict[str, Any]]:
    arrows: List[Dict[str, Any]] = page.evaluate(_ARROWS_JS)
    return arrows


def test_seed_page_draws_layer_i_of_the_second_stack_borrowing_layer_i(browser: Any, tmp_path: Any) -> None:
    page, errors, fetched = _open(browser, _html(tmp_path, os.path.join(FIXTURES, "seed_second_stack_reuses.py")))
    arrows = _arrows(page)
    assert [(a["from"], a["to"], a["kind"]) for a in arrows] == [
        (f"layer-0-1-{i}", f"layer-0-0-{i}", "intended") for i in range(3)]
    assert [p for a in arrows for p in _off_border(a)] == []
    assert page.locator("g.layer").count() == 6
    assert errors == [] and fetched == ["file://" + str(tmp_path / "report.html")]
    page.close()


@pytest.mark.parametrize("fixture, kind, code", [
    pytest.param("dynamic/rnn101_char_rnn_list_multiply.py", "suspicious", "RNN101", id="rnn101-within-one-stack"),
    pytest.param("dynamic/rnn103_encoder_decoder.py", "suspicious", "RNN103", id="rnn103-between-runs"),
    pytest.param("rnn102_bidirectional_tagger.py", "suspicious", "RNN102", id="rnn102-backward-borrows-forward"),
    pytest.param("dynamic/rnn104_helper_called_twice.py", "collision", "RNN104", id="rnn104-collision"),
    pytest.param("dynamic/driver_keras_layer_names.py", None, None, id="keras-no-sharing"),
])
def test_arrows_join_the_boxes_they_name(browser: Any, tmp_path: Any, fixture: str, kind: str, code: str) -> None:
    page, errors, _ = _open(browser, _html(tmp_path, os.path.join(FIXTURES, fixture)))
    arrows = _arrows(page)
    if kind is None:
        assert arrows == []
    else:
        assert arrows and {(a["kind"], a["code"]) for a in arrows} == {(kind, code)}
        # the rule's message is on the arrow and in the list under the picture
        title = page.locator(f"#{arrows[0]['id']} title").text_content() or ""
        assert title.startswith(f"{code}: ") and len(title) > 20
        assert page.locator("ul.findings li", has_text=code).count() >= 1
    assert [p for a in arrows for p in _off_border(a)] == []
    assert errors == []
    page.close()


def test_a_misdrawn_arrow_is_caught(browser: Any, tmp_path: Any) -> None:
    """The border check fails on a wrong drawing: one arrow moved 40 px, another pointed at the wrong box."""
    page, _, _ = _open(browser, _html(tmp_path, os.path.join(FIXTURES, "seed_second_stack_reuses.py")))
    page.evaluate("""() => {
      const [a, b] = document.querySelectorAll("path.arrow");
      a.setAttribute("transform", "translate(0, 40)");
      b.dataset.to = "layer-0-0-2";
    }""")
    problems = [p for a in _arrows(page) for p in _off_border(a)]
    assert any(p.startswith("arrow-0-0 start") for p in problems)
    assert any(p.startswith("arrow-0-1 end") for p in problems)
    assert not any(p.startswith("arrow-0-2") for p in problems)
    page.close()


def test_clicking_a_layer_shows_its_source_lines(browser: Any, tmp_path: Any) -> None:
    page, errors, _ = _open(browser, _html(tmp_path, os.path.join(FIXTURES, "seed_second_stack_reuses.py")))
    detail = page.locator("section.file .detail")
    assert detail.is_hidden()
    page.click("#layer-0-1-2")
    assert detail.is_visible()
    text = detail.inner_text()
    assert "run 1 layer 2: LSTMCell" in text and "lstm/rnn/multi_rnn_cell/cell_2/lstm_cell/kernel" in text
    assert "make_cell = lambda: rnn.LSTMCell(state_size" in text  # the cell's line
    assert "second_out, _ = tf.nn.dynamic_rnn(second, inputs" in text  # the run's line
    assert errors == []
    page.close()


def test_a_folder_gives_an_index_of_files(browser: Any, tmp_path: Any) -> None:
    folder = os.path.join(FIXTURES, "dynamic")
    expected = sorted(name for _, _, names in os.walk(folder) for name in names if name.endswith(".py"))
    page, errors, fetched = _open(browser, _html(tmp_path, folder))
    links = page.locator("nav a")
    assert links.count() == len(expected) == page.locator("section.file").count()
    assert sorted(os.path.basename(t) for t in links.all_text_contents()) == expected
    assert [p for a in _arrows(page) for p in _off_border(a)] == []
    assert errors == [] and len(fetched) == 1
    page.close()


@pytest.mark.dynamic
def test_dynamic_overlay_and_trace_pages(browser: Any, tmp_path: Any) -> None:
    """`explain --dynamic`: agreeing boxes plain, disagreeing ones marked; `trace --format html` draws traced arrows."""
    unreached = os.path.join(FIXTURES, "dynamic", "driver_keras_functions_unreached.py")
    seed = os.path.join(FIXTURES, "dynamic", "intended_seed_reuse_variables.py")
    out = str(tmp_path / "overlay.html")
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", "--dynamic", "--format", "html",
                           unreached, seed, "-o", out], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    page, errors, _ = _open(browser, out)
    assert page.locator("g.layer.differs").count() == 1 and page.locator("g.layer.agrees").count() == 3
    assert page.locator(".legend .differs").count() == 1
    page.click("g.layer.differs")
    assert "traced: char_encoder/multi_rnn_cell/cell_{0,1}" not in page.locator(".detail").first.inner_text()
    assert "the trace differs; traced: " in page.locator(".detail").first.inner_text()
    assert errors == []
    page.close()
    trace = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "trace", "--format", "html", seed],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert trace.returncode == 0, trace.stderr
    path = tmp_path / "trace.html"
    path.write_text(trace.stdout)
    page, errors, _ = _open(browser, str(path))
    arrows = _arrows(page)
    assert [(a["from"], a["to"], a["kind"]) for a in arrows] == [
        (f"layer-0-1-{i}", f"layer-0-0-{i}", "intended") for i in range(2)]
    assert [p for a in arrows for p in _off_border(a)] == [] and errors == []
    page.close()
