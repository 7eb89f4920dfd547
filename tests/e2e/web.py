"""What the browser tests share: opening the pages as a role, the accessibility check, and
screenshots kept as test artifacts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.e2e.api import Api

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("PAYSYNC_SCREENSHOTS", "var/screenshots"))
SERIOUS = {"serious", "critical"}


def open_as(page: Page, site: str, api: Api, role: str, subject: str, path: str = "") -> None:
    """Open the pages the way a user does: the token in the URL fragment, never in the path."""
    token = api.paysync.tokens.issue(subject, role, api.company)
    page.goto(f"{site}/app/{path.lstrip('/')}#token={token}")


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A/AA)."""
    # Evaluated by the test's driver, not served: the page's policy allows only its own
    # scripts, and the driver's evaluation is not a script the page loads.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE.read_text('utf-8')} }}")
    result = page.evaluate(
        """async () => (await axe.run(document, {
             runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           })).violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return [v for v in result if v["impact"] in SERIOUS]


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


class Screenshots:
    """Numbered screenshots of one narrated test, in a folder the test prints."""

    def __init__(self, name: str) -> None:
        self.folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_-]+", "-", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0
        print(f"screenshots: {self.folder.resolve()}")

    def take(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
