"""axe-core in a tab: the serious and critical accessibility violations on the page it shows."""

from .conftest import BASE_DIR

AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page):
    """One line per serious or critical violation: rule, impact, help, how many elements and the
    first five of them."""
    assert AXE.is_file(), "axe-core is not installed: run `npm ci` (make test does)"
    if not page.evaluate("typeof axe !== 'undefined'"):
        # Through DevTools rather than a <script> tag, which the Content Security Policy refuses.
        page.evaluate(AXE.read_text())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {len(violation['nodes'])} element(s): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
