"""Drives the dashboard in headless Chromium over the DevTools protocol (run by
DashboardBrowserTests against a live server): signs in with a key, checks each page, watches a
job enqueued through the API appear and reach `completed` on the jobs page without a reload,
checks that forms refuse posts without the session's token, and that the jobs page fits a
phone. With --screenshots DIR it saves a PNG of each page there (docs/screenshots)."""
import argparse
import json
import time
import urllib.parse
import urllib.request

from browser_support import Browser

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--screenshots")
args = parser.parse_args()


def api(method, path, body=None):
    request = urllib.request.Request(args.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + args.key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


browser = Browser(args.url)
try:
    # Unsigned visitors are sent to sign in; a wrong key is refused, the right one lets them in.
    browser.call("Page.navigate", url=args.url + "/jobs")
    browser.wait("location.pathname === '/login' && document.readyState === 'complete'", "the redirect to /login")
    browser.evaluate("document.querySelector('input[name=key]').value = 'not-the-key-at-all'; document.querySelector('form').submit()")
    browser.wait("document.body.innerText.includes('That key is not known here.')", "the refusal")
    browser.evaluate(f"document.querySelector('input[name=key]').value = {json.dumps(args.key)}; document.querySelector('form').submit()")
    browser.wait("location.pathname === '/' && document.readyState === 'complete'", "the overview after signing in")

    seed = api("POST", "/api/v1/jobs", {"kind": "noop"})
    browser.open("/")
    browser.wait("document.querySelector('[data-queue=\"default\"]') !== null", "the default queue card")
    assert browser.evaluate("document.querySelector('[data-queue=\"default\"] svg') !== null"), "the queue's chart is missing"
    browser.screenshot(args.screenshots, "overview")
    # The charts' window: the last 24 hours in half-hour bars, its scale on the axis.
    browser.evaluate("document.querySelector('a[data-window=\"24h\"]').click()")
    browser.wait("location.search === '?window=24h' && document.readyState === 'complete'", "the 24-hour charts")
    assert "per 30 minutes" in browser.evaluate("document.querySelector('[data-queue=\"default\"] .chart .y').innerText")
    assert browser.evaluate("document.querySelector('a[data-window=\"24h\"]').classList.contains('here')")
    browser.evaluate("document.querySelector('a[data-window=\"7d\"]').click()")
    browser.wait("location.search === '?window=7d' && document.readyState === 'complete'", "the week's charts")
    assert "per 6 hours" in browser.evaluate("document.querySelector('[data-queue=\"default\"] .chart .y').innerText")

    # A job enqueued while the page is open appears and completes without a reload.
    browser.open("/jobs")
    browser.evaluate("window.__sameDocument = 42")
    job = api("POST", "/api/v1/jobs", {"kind": "sleep", "args": {"ms": 1200}})
    row = f"document.querySelector('tr[data-job=\"{job['id']}\"]')"
    browser.wait(f"{row} !== null", f"job {job['id']} to appear")
    browser.wait(f"{row} && {row}.dataset.state === 'completed'", f"job {job['id']} to reach completed")
    assert browser.evaluate("window.__sameDocument") == 42, "the page reloaded"
    assert not browser.evaluate("document.body.innerText.includes('Older jobs')"), "a next-page link with nothing after it"
    browser.screenshot(args.screenshots, "jobs")

    # A batch's progress moves while the page is open, and its callback links to its job.
    browser.open("/batches")
    batch = api("POST", "/api/v1/batches", {"jobs": [{"kind": "sleep", "args": {"ms": 300}}, {"kind": "sleep", "args": {"ms": 900}}],
                                            "callback": {"kind": "noop", "args": {"report": "dashboard"}}})["batch"]
    batch_row = f"document.querySelector('tr[data-batch=\"{batch['id']}\"]')"
    browser.wait(f"{batch_row} !== null", f"batch {batch['id']} to appear")
    browser.wait(f"{batch_row} && {batch_row}.querySelector('progress').value === 2 && {batch_row}.innerText.includes('job ')",
                 f"batch {batch['id']} to end with its callback job")
    browser.screenshot(args.screenshots, "batches")
    browser.evaluate(f"{batch_row}.querySelector('a').click()")
    browser.wait("location.pathname === '/jobs' && document.querySelectorAll('tr[data-job]').length === 2", "the batch's two jobs")

    # Jobs chosen by a tag and by args, as seed 004 follows one agent's sources; the count links nothing else.
    tagged = [api("POST", "/api/v1/jobs", {"kind": "noop", "queue": "paused-q", "tags": ["agent:7"], "args": {"source_id": f"s-{n % 2}"}})
              for n in range(3)]
    api("POST", "/api/v1/jobs", {"kind": "noop", "queue": "paused-q", "tags": ["agent:8"], "args": {"source_id": "s-0"}})
    browser.open("/jobs?tag=agent%3A7&args=" + urllib.parse.quote(json.dumps({"source_id": "s-0"})))
    rows = browser.evaluate("Array.from(document.querySelectorAll('tr[data-job]')).map(r => Number(r.dataset.job))")
    assert sorted(rows) == sorted(t["id"] for t in tagged if t["args"]["source_id"] == "s-0"), f"tag and args filter listed {rows}"
    assert browser.evaluate("document.querySelector('.matching').innerText") == "2 jobs match"

    browser.open(f"/jobs/{job['id']}")
    assert browser.evaluate("document.querySelector('[data-state]').dataset.state") == "completed"
    assert browser.evaluate("document.querySelector('progress').value") == 1
    assert "slept_ms" in browser.evaluate("document.body.innerText"), "the result is missing"
    browser.screenshot(args.screenshots, "job")

    # A post without the session's form token is refused (as one from another site would be).
    status = browser.evaluate(f"fetch('/jobs/{seed['id']}/retry', {{method: 'POST', body: 'form_token=forged', "
                              "headers: {'Content-Type': 'application/x-www-form-urlencoded'}}).then(r => r.status)")
    assert status == 403, f"a forged form answered {status}"
    # The page's own form works: retry the finished seed job.
    browser.open(f"/jobs/{seed['id']}")
    browser.evaluate("window.__beforeRetry = true; document.querySelector('form[action$=\"/retry\"]').submit()")
    browser.wait(f"!window.__beforeRetry && location.pathname === '/jobs/{seed['id']}' && document.readyState === 'complete'", "the retry to come back")

    api("POST", "/api/v1/schedules", {"name": "nightly-report", "kind": "noop", "recurrence": {"type": "daily", "hour": 2, "minute": 30},
                                       "time_zone": "Europe/London", "overlap": "skip"})
    browser.open("/schedules")
    browser.wait("document.querySelector('[data-schedule=\"nightly-report\"]') !== null", "the schedule row")
    browser.screenshot(args.screenshots, "schedules")
    # Edit: a bad expression is refused on the form with the field and token; a good one is saved.
    browser.open("/schedules/nightly-report/edit")
    browser.evaluate("document.querySelector('input[name=cron]').value = '61 * * * *'; document.querySelector('form.edit').submit()")
    browser.wait("document.querySelector('[data-error]') !== null", "the refusal on the edit form")
    message = browser.evaluate("document.querySelector('[data-error]').innerText")
    assert "minute field: '61' is out of range" in message, message
    browser.screenshot(args.screenshots, "schedule-edit")
    browser.evaluate("document.querySelector('input[name=cron]').value = '15 3 * * *'; document.querySelector('form.edit').submit()")
    browser.wait("location.pathname === '/schedules' && document.body.innerText.includes('15 3 * * *')", "the edited schedule")
    browser.evaluate("document.querySelector('[data-schedule=\"nightly-report\"] form[action$=\"/deactivate\"]').submit()")
    browser.wait("document.body.innerText.includes('inactive')", "the schedule to show inactive")
    # At 1280 px the table fits: every action of every row is on the screen.
    outside = browser.evaluate("Array.from(document.querySelectorAll('table.schedules .actions > *'))"
                               ".filter(e => e.getBoundingClientRect().right > window.innerWidth).length")
    assert outside == 0, f"{outside} schedule actions are off the screen at 1280 px"
    assert browser.evaluate("document.querySelector('.scroll').scrollWidth <= document.querySelector('.scroll').clientWidth")
    # A schedule's runs: the jobs it fired, triggered here by hand.
    # The old page is marked: it is also on /schedules, and a click on it would be lost to the post's answer.
    browser.evaluate("window.__beforeTrigger = true; document.querySelector('[data-schedule=\"nightly-report\"] form[action$=\"/trigger\"]').submit()")
    browser.wait("!window.__beforeTrigger && location.pathname === '/schedules' && document.readyState === 'complete'", "the trigger to come back")
    browser.evaluate("document.querySelector('[data-schedule=\"nightly-report\"] a[data-runs]').click()")
    browser.wait("location.search === '?schedule=nightly-report' && document.querySelectorAll('tr[data-job]').length === 1", "the schedule's one run")

    # A queue's controls: pause and resume it, set and clear its limits, from its card.
    def queue(name):
        return next(q for q in api("GET", "/api/v1/queues")["queues"] if q["name"] == name)

    card = "document.querySelector('[data-queue=\"default\"]')"
    browser.open("/")
    browser.evaluate(f"{card}.querySelector('button[data-toggle=pause]').click()")
    browser.wait(f"{card} && {card}.innerText.includes('paused') && {card}.querySelector('button[data-toggle=resume]') !== null", "the queue to show paused")
    assert queue("default")["paused"] is True
    browser.screenshot(args.screenshots, "queue-paused")
    browser.evaluate(f"{card}.querySelector('button[data-toggle=resume]').click()")
    browser.wait(f"{card} && {card}.querySelector('button[data-toggle=pause]') !== null", "the queue to show running")
    assert queue("default")["paused"] is False
    browser.evaluate(f"var f = {card}.querySelector('form.limits'); f.concurrency.value = '3'; f.rate_count.value = '100'; f.rate_seconds.value = '60'; f.submit()")
    browser.wait(f"{card} && {card}.innerText.includes('at most 3 at once')", "the limits on the card")
    assert queue("default")["limits"] == {"concurrency": 3, "rate": {"count": 100, "period_seconds": 60}}, queue("default")["limits"]
    browser.evaluate(f"var f = {card}.querySelector('form.limits'); f.concurrency.value = ''; f.rate_count.value = ''; f.rate_seconds.value = ''; f.submit()")
    browser.wait(f"{card} && {card}.innerText.includes('No limits.')", "the limits to be cleared")
    # Its retention: the last 100 completed jobs, discarded ones for 2 days; cancelled as the node.
    browser.evaluate(f"var f = {card}.querySelector('details.retention form'); f.completed_last.value = '100'; f.discarded_days.value = '2'; f.submit()")
    browser.wait(f"{card} && {card}.innerText.includes('Keeps completed: the last 100; discarded: none older than 2 days')", "the retention on the card")
    assert queue("default")["retention"] == {"completed": {"keep_last": 100, "max_age_seconds": None},
                                             "discarded": {"keep_last": None, "max_age_seconds": 172800}}, queue("default")["retention"]
    # A queue with waiting jobs that no node runs says so.
    assert browser.evaluate("document.querySelector('[data-queue=\"paused-q\"] [data-unserved]') !== null"), "no warning for a queue no node runs"

    # Several kinds (any of them) and several tags (all of them), typed into the filter form.
    picked = [api("POST", "/api/v1/jobs", {"kind": kind, "queue": "filter-q", "tags": tags})["id"]
              for kind, tags in [("k.a", ["x", "y"]), ("k.b", ["x", "y"]), ("k.b", ["x"]), ("k.c", ["x", "y"])]]
    browser.open("/jobs")
    browser.evaluate("var f = document.querySelector('form.filters'); f.queue.value = 'filter-q'; f.kind.value = 'k.a, k.b'; f.tag.value = 'x,y'; f.submit()")
    browser.wait("location.search.includes('filter-q') && document.readyState === 'complete'", "the filtered list")
    shown = browser.evaluate("Array.from(document.querySelectorAll('table.jobs tbody tr')).map(tr => tr.dataset.job)")
    assert sorted(shown) == sorted(str(id) for id in picked[:2]), f"jobs of kind k.a or k.b with tags x and y: {shown!r}"
    assert browser.evaluate("document.querySelector('form.filters').kind.value") == "k.a, k.b"
    assert "2 jobs match" in browser.evaluate("document.body.innerText")

    # Bulk cancel by filter, after a confirmation that shows how many jobs it will cancel.
    bulk = [api("POST", "/api/v1/jobs", {"kind": "noop", "queue": "bulk-q"})["id"] for _ in range(3)]
    browser.open("/jobs?queue=bulk-q&state=available&state=scheduled")
    assert browser.evaluate("document.querySelectorAll('input[name=state]:checked').length") == 2, "the two states are not ticked"
    browser.evaluate("document.querySelector('button[data-bulk=cancel]').click()")
    browser.wait("document.querySelector('form[data-confirm]') !== null && document.readyState === 'complete'", "the confirmation")
    assert browser.evaluate("document.querySelector('form[data-confirm]').dataset.confirm") == "3"
    assert "Cancel 3 jobs" in browser.evaluate("document.body.innerText"), browser.evaluate("document.body.innerText")
    browser.screenshot(args.screenshots, "bulk-confirm")
    browser.evaluate("document.querySelector('form[data-confirm] button').click()")
    browser.wait("document.querySelector('[data-notice]') !== null", "the notice after cancelling")
    assert browser.evaluate("document.querySelector('[data-notice]').innerText") == "Cancelled 3 jobs"
    assert all(api("GET", f"/api/v1/jobs/{i}")["state"] == "cancelled" for i in bulk)
    # Then delete them, by the same filter on their new state.
    browser.open("/jobs?queue=bulk-q&state=cancelled")
    browser.evaluate("document.querySelector('button[data-bulk=delete]').click()")
    browser.wait("document.querySelector('form[data-confirm]') !== null && document.readyState === 'complete'", "the delete confirmation")
    assert browser.evaluate("document.querySelector('form[data-confirm]').dataset.confirm") == "3"
    browser.evaluate("document.querySelector('form[data-confirm] button').click()")
    browser.wait("document.querySelector('[data-notice]') !== null", "the notice after deleting")
    assert browser.evaluate("document.querySelector('[data-notice]').innerText") == "Deleted 3 jobs"
    assert api("GET", "/api/v1/jobs?queue=bulk-q")["jobs"] == []

    # A job's timeline: each attempt with its node, how long it ran and its error in full.
    failed = api("POST", "/api/v1/jobs", {"kind": "fail", "args": {"message": "the CRM answered 502: upstream timed out"}, "max_attempts": 1})
    deadline = time.time() + 20
    while api("GET", f"/api/v1/jobs/{failed['id']}")["state"] != "discarded":
        assert time.time() < deadline, "the failing job did not end"
        time.sleep(0.1)
    browser.open(f"/jobs/{failed['id']}")
    attempt = browser.evaluate("document.querySelector('li[data-event=attempt]').innerText")
    assert "Attempt 1 on " in attempt and " after " in attempt and "the CRM answered 502: upstream timed out" in attempt, attempt
    assert browser.evaluate("Array.from(document.querySelectorAll('ol.timeline li')).map(l => l.dataset.event)") == ["inserted", "attempt", "finished"]
    browser.screenshot(args.screenshots, "job-timeline")

    # A schedule created through the form; a bad expression is refused on the form.
    browser.open("/schedules")
    browser.evaluate("document.querySelector('a[data-new-schedule]').click()")
    browser.wait("location.pathname === '/schedules/new' && document.readyState === 'complete'", "the new schedule form")
    browser.evaluate("var f = document.querySelector('form.edit'); f.name.value = 'hourly-sync'; f.kind.value = 'noop'; f.cron.value = '0 * * * * *'; f.submit()")
    browser.wait("document.querySelector('[data-error]') !== null", "the refusal of a bad expression")
    browser.screenshot(args.screenshots, "schedule-new")
    browser.evaluate("var f = document.querySelector('form.edit'); f.cron.value = '7 * * * *'; f.submit()")
    browser.wait("document.querySelector('[data-schedule=\"hourly-sync\"]') !== null", "the new schedule in the list")
    created = api("GET", "/api/v1/schedules/hourly-sync")
    assert created["kind"] == "noop" and "7 * * * *" in json.dumps(created["recurrence"]), created

    # Nodes: the leader marked; a worker process holding a lease over HTTP, with its running job.
    leased = api("POST", "/api/v1/jobs", {"kind": "remote.report", "queue": "remote-q"})
    api("POST", "/api/v1/work/fetch", {"worker": "py-worker-1", "queues": ["remote-q"], "slots": 6})
    browser.open("/nodes")
    browser.wait("document.querySelectorAll('table.nodes tbody tr').length > 0", "a node row")
    browser.wait("document.querySelector('[data-leader]') !== null", "the leader's mark", timeout=30)
    cells = browser.evaluate("Array.from(document.querySelectorAll('tr[data-node=\"py-worker-1\"] td')).map(td => td.innerText)")
    assert cells and cells[1] == "remote-q" and cells[3] == "1 / 6", f"the worker process, its running job and its slots: {cells!r}"
    own = browser.evaluate("Array.from(document.querySelectorAll('tr[data-node]:not([data-node=\"py-worker-1\"]) td[data-running]')).map(td => td.innerText)")
    assert own and all(text.endswith(" / 5") for text in own), f"the serving node's slots (its queues' concurrency added up): {own!r}"
    assert browser.evaluate("document.querySelector('.scroll').scrollWidth <= document.querySelector('.scroll').clientWidth"), "the nodes table is wider than 1280 px"
    browser.screenshot(args.screenshots, "nodes")

    # Phone width: the page itself does not scroll sideways (wide tables scroll in their box).
    browser.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    for path, name in [("/jobs", "jobs-phone"), ("/", "overview-phone"), (f"/jobs/{failed['id']}", "job-phone"), ("/schedules", "schedules-phone")]:
        browser.open(path)
        width = browser.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} is {width} px wide at phone width"
        browser.screenshot(args.screenshots, name)
    print("dashboard: all checks passed")
finally:
    browser.close()
