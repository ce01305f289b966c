"""Drives the dashboard of Conveyor mounted under a prefix in another application (run by
MountedServerTests): the application's own page still answers; signing in, every page's links
and forms, the live update, a form's redirect, the session cookie and signing out all stay
under the prefix."""
import argparse
import json
import urllib.request

from browser_support import Browser

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--prefix", required=True)
parser.add_argument("--key", required=True)
args = parser.parse_args()
prefix = args.prefix


def api(method, path, body=None):
    request = urllib.request.Request(args.url + prefix + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + args.key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def outside_links():
    """The links and form targets of the page that leave the prefix."""
    return browser.evaluate(
        "Array.from(document.querySelectorAll('a[href], form[action]'))"
        ".map(e => new URL(e.href || e.action, location.href)).filter(u => u.origin === location.origin)"
        f".map(u => u.pathname).filter(p => p !== {json.dumps(prefix)} && !p.startsWith({json.dumps(prefix + '/')}))")


browser = Browser(args.url)
try:
    browser.open("/hello")
    assert browser.evaluate("document.body.innerText") == "hello from the application", browser.evaluate("document.body.innerText")

    browser.call("Page.navigate", url=args.url + prefix + "/jobs")
    browser.wait(f"location.pathname === {json.dumps(prefix + '/login')} && document.readyState === 'complete'", "the redirect to the prefix's login")
    assert outside_links() == [], f"the sign-in page links outside {prefix}: {outside_links()}"
    browser.evaluate(f"document.querySelector('input[name=key]').value = {json.dumps(args.key)}; document.querySelector('form').submit()")
    browser.wait(f"location.pathname === {json.dumps(prefix + '/')} && document.readyState === 'complete'", "the overview after signing in")
    cookies = [c for c in browser.call("Storage.getCookies")["cookies"] if c["name"].startswith("conveyor")]
    assert cookies and all(c["path"] == prefix for c in cookies), f"the session cookie is not scoped to {prefix}: {cookies}"

    # The live update follows the event stream under the prefix.
    browser.open(prefix + "/jobs")
    browser.evaluate("window.__sameDocument = 42")
    job = api("POST", "/api/v1/jobs", {"kind": "sleep", "args": {"ms": 600}})
    row = f"document.querySelector('tr[data-job=\"{job['id']}\"]')"
    browser.wait(f"{row} && {row}.dataset.state === 'completed'", f"job {job['id']} to reach completed on the open page")
    assert browser.evaluate("window.__sameDocument") == 42, "the page reloaded"

    api("POST", "/api/v1/batches", {"jobs": [{"kind": "noop"}], "callback": {"kind": "noop"}})
    api("POST", "/api/v1/schedules", {"name": "nightly", "kind": "noop", "recurrence": {"type": "daily", "hour": 2, "minute": 0}})
    nav = browser.evaluate("Array.from(document.querySelectorAll('header a')).map(a => new URL(a.href).pathname)")
    assert len(nav) == 5 and all(p.startswith(prefix + "/") for p in nav), f"the navigation leaves {prefix}: {nav}"
    for path in nav + [f"{prefix}/jobs/{job['id']}", f"{prefix}/schedules/nightly/edit"]:
        browser.open(path)
        assert browser.evaluate("document.querySelector('main') !== null"), f"{path} is not a dashboard page"
        assert outside_links() == [], f"{path} links outside {prefix}: {outside_links()}"

    # A form's redirect comes back under the prefix.
    job_page = f"{prefix}/jobs/{job['id']}"
    browser.open(job_page)
    # The answer is the same page: a mark on this document tells the new one from it.
    browser.evaluate("window.__beforeRetry = true; document.querySelector('form[action$=\"/retry\"]').submit()")
    browser.wait(f"!window.__beforeRetry && location.pathname === {json.dumps(job_page)} && document.readyState === 'complete'", "the retry to come back")

    browser.evaluate("document.querySelector('header form').submit()")
    browser.wait(f"location.pathname === {json.dumps(prefix + '/login')}", "the sign-in page after signing out")
    print("mounted dashboard: all checks passed")
finally:
    browser.close()
