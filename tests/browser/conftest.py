"""A real headless Chromium (Debian's, driven by Playwright) and the `mermaid` package from npm, for the view tests."""
from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from typing import Any, Iterator

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("RRL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MERMAID_VERSION = "11.17.2"  # pinned: the test renders with exactly this Mermaid


# Package scope, not session: Playwright's sync API keeps an event loop running while it is open, and the
# language-server tests after this package start their own asyncio loops, which must not find one running.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def mermaid_js() -> str:
    """Path of `mermaid.min.js`: from RRL_MERMAID_JS, else `npm pack`ed once into build/browser/."""
    given = os.environ.get("RRL_MERMAID_JS")
    if given:
        return given
    target = os.path.join(ROOT, "build", "browser", f"mermaid-{MERMAID_VERSION}.min.js")
    if os.path.exists(target):
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the Mermaid test needs npm to fetch the mermaid package (or RRL_MERMAID_JS=path/mermaid.min.js)")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([npm, "pack", f"mermaid@{MERMAID_VERSION}", "--pack-destination", folder],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        tarball = os.path.join(folder, done.stdout.strip().splitlines()[-1])
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/dist/mermaid.min.js")
            assert member is not None
            data = member.read()
    with open(target + ".part", "wb") as handle:
        handle.write(data)
    os.replace(target + ".part", target)
    return target
