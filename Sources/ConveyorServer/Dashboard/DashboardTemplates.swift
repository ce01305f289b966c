import Mustache

/// The dashboard's pages: Mustache templates (swift-mustache), one layout and a body per page.
/// `{{x}}` escapes HTML; `{{{x}}}` is used only for markup built here (the layout's body, charts).
enum DashboardTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources {
            // Constant templates: a parse error is a bug in this file, caught by every dashboard test.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        return library
    }()

    static let sources: [String: String] = [
        "layout": #"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} · Conveyor</title><style>
            body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
            header{background:#1d2330;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
            header a{color:#cfd6e4;text-decoration:none}header a.here{color:#fff;font-weight:600}header .brand{font-weight:700;color:#fff}
            header form{margin-left:auto}main{padding:1rem;max-width:1100px;margin:auto}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
            .card,table{background:#fff;border-radius:6px;box-shadow:0 1px 2px #0002}.card{padding:.8rem}
            .card h2{margin:.1rem 0 .5rem;font-size:1.05rem}.scroll{overflow-x:auto}
            table{border-collapse:collapse;width:100%}th,td{padding:.35rem .5rem;text-align:left;border-bottom:1px solid #eef0f3;white-space:nowrap}
            .counts{display:flex;flex-wrap:wrap;gap:.4rem .9rem}.counts b{display:block;font-size:1.2rem}
            .state{font-size:.8rem;padding:.05rem .4rem;border-radius:9px;background:#e6e9ef}
            .completed{background:#d9f2e3}.discarded,.cancelled{background:#f8dcdc}.executing{background:#dbe8fb}.retryable{background:#fbeccc}
            .badge{font-size:.75rem;background:#fbeccc;padding:.05rem .4rem;border-radius:9px}
            pre{background:#fff;padding:.6rem;border-radius:6px;overflow-x:auto}
            form.inline{display:inline}button{font:inherit;padding:.25rem .7rem;cursor:pointer}
            .filters{display:flex;flex-wrap:wrap;gap:.4rem;margin-bottom:.8rem}.filters input,.filters select{font:inherit;padding:.2rem}
            progress{width:12rem}.error{color:#a31d1d}figure{margin:.4rem 0 0}figcaption{font-size:.75rem;color:#667}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}dt{color:#667}dd{margin:0;overflow-wrap:anywhere}
            </style></head><body>
            <header><span class="brand">Conveyor</span>
            {{#nav}}<a href="{{href}}" class="{{#here}}here{{/here}}">{{label}}</a>{{/nav}}
            {{#signedIn}}<form method="post" action="/logout"><input type="hidden" name="form_token" value="{{formToken}}"><button>Sign out</button></form>{{/signedIn}}
            </header>
            <main{{#live}} data-live{{/live}}>{{{body}}}</main>
            {{#live}}<script>
            (function () {
              var main = document.querySelector("main[data-live]");
              if (!main || !window.EventSource) return;
              // At most one refresh a second: each one counts the queues' jobs in the database.
              var pending = null, last = 0, events = new EventSource("/api/v1/events");
              function refresh() {
                pending = null;
                last = Date.now();
                fetch(location.href, {headers: {"X-Conveyor-Fragment": "1"}, credentials: "same-origin"})
                  .then(function (r) { return r.ok ? r.text() : null; })
                  .then(function (html) { if (html !== null) main.innerHTML = html; });
              }
              ["inserted", "started", "progress", "completed", "retrying", "discarded", "cancelled", "snoozed", "released"].forEach(function (kind) {
                events.addEventListener(kind, function () {
                  if (!pending) pending = setTimeout(refresh, Math.max(250, last + 1000 - Date.now()));
                });
              });
            })();
            </script>{{/live}}
            </body></html>
            """#,
        "overview": #"""
            <h1>Queues</h1>
            <div class="cards">{{#queues}}<section class="card" data-queue="{{name}}">
            <h2>{{name}}{{#paused}} <span class="badge">paused</span>{{/paused}}</h2>
            <div class="counts">{{#counts}}<div><span class="state {{state}}">{{state}}</span><b>{{count}}</b></div>{{/counts}}</div>
            <figure>{{{chart}}}<figcaption>completed (green) and failed (red) per minute, last 30 minutes{{#latency}}; jobs waited {{latency}} to start (p50){{/latency}}</figcaption></figure>
            </section>{{/queues}}</div>
            {{^queues}}<p>No queues yet: enqueue a job.</p>{{/queues}}
            """#,
        "jobs": #"""
            <h1>Jobs</h1>
            <form method="get" class="filters"><select name="state"><option value="">any state</option>{{#states}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/states}}</select>
            <input name="queue" value="{{queue}}" placeholder="queue"><input name="kind" value="{{kind}}" placeholder="kind"><button>Filter</button></form>
            <div class="scroll"><table class="jobs"><thead><tr><th>id</th><th>kind</th><th>queue</th><th>state</th><th>attempt</th><th>progress</th><th>inserted</th></tr></thead><tbody>
            {{#jobs}}<tr data-job="{{id}}" data-state="{{state}}"><td><a href="/jobs/{{id}}">{{id}}</a></td><td>{{kind}}</td><td>{{queue}}</td><td><span class="state {{state}}">{{state}}</span></td><td>{{attempt}}/{{maxAttempts}}</td><td>{{progress}}</td><td>{{insertedAt}}</td></tr>{{/jobs}}
            </tbody></table></div>
            {{^jobs}}<p>No jobs match.</p>{{/jobs}}
            {{#next}}<p><a href="{{next}}">Older jobs →</a></p>{{/next}}
            """#,
        "job": #"""
            <h1>Job {{id}} <span class="state {{state}}" data-state="{{state}}">{{state}}</span></h1>
            <dl><dt>kind</dt><dd>{{kind}}</dd><dt>queue</dt><dd>{{queue}}</dd><dt>priority</dt><dd>{{priority}}</dd>
            <dt>attempt</dt><dd>{{attempt}} of {{maxAttempts}}</dd><dt>inserted</dt><dd>{{insertedAt}}</dd><dt>scheduled</dt><dd>{{scheduledAt}}</dd>
            {{#attemptedAt}}<dt>last started</dt><dd>{{attemptedAt}} on {{attemptedBy}}</dd>{{/attemptedAt}}{{#finishedAt}}<dt>finished</dt><dd>{{finishedAt}}</dd>{{/finishedAt}}
            {{#tags}}<dt>tags</dt><dd>{{tags}}</dd>{{/tags}}
            <dt>progress</dt><dd><progress value="{{progress}}" max="1"></progress> {{progressMessage}}</dd></dl>
            <h2>Args</h2><pre>{{args}}</pre>
            {{#result}}<h2>Result</h2><pre>{{result}}</pre>{{/result}}
            <h2>Meta</h2><pre>{{meta}}</pre>
            <h2>Errors</h2>{{#errors}}<p class="error">attempt {{attempt}} at {{at}}: {{message}}</p>{{/errors}}{{^errors}}<p>None.</p>{{/errors}}
            <p>{{#canRetry}}<form class="inline" method="post" action="/jobs/{{id}}/retry"><input type="hidden" name="form_token" value="{{formToken}}"><button>Retry</button></form>{{/canRetry}}
            {{#canCancel}}<form class="inline" method="post" action="/jobs/{{id}}/cancel"><input type="hidden" name="form_token" value="{{formToken}}"><button>Cancel</button></form>{{/canCancel}}
            {{#canDelete}}<form class="inline" method="post" action="/jobs/{{id}}/delete"><input type="hidden" name="form_token" value="{{formToken}}"><button>Delete</button></form>{{/canDelete}}</p>
            """#,
        "schedules": #"""
            <h1>Schedules</h1>
            <div class="scroll"><table><thead><tr><th>name</th><th>kind</th><th>when</th><th>next runs</th><th>last run</th><th>failures</th><th>skipped</th><th></th></tr></thead><tbody>
            {{#schedules}}<tr data-schedule="{{name}}"><td>{{name}}{{^active}} <span class="badge">inactive</span>{{/active}}</td><td>{{kind}}</td><td>{{when}} ({{zone}})</td><td>{{nextRuns}}</td>
            <td>{{lastRunAt}} {{#lastStatus}}<span class="state {{lastStatus}}">{{lastStatus}}</span>{{/lastStatus}}</td><td>{{failures}}</td><td>{{skipped}}</td>
            <td><a href="/schedules/{{name}}/edit">Edit</a> <form class="inline" method="post" action="/schedules/{{name}}/trigger"><input type="hidden" name="form_token" value="{{formToken}}"><button>Run now</button></form>
            <form class="inline" method="post" action="/schedules/{{name}}/{{toggle}}"><input type="hidden" name="form_token" value="{{formToken}}"><button>{{toggleLabel}}</button></form></td></tr>
            {{#disabledReason}}<tr><td colspan="8" class="error">{{disabledReason}}</td></tr>{{/disabledReason}}{{/schedules}}
            </tbody></table></div>
            {{^schedules}}<p>No schedules. Add one with <code>conveyor schedules add</code> or the API.</p>{{/schedules}}
            """#,
        "schedule-edit": #"""
            <h1>Edit schedule {{name}}</h1>
            {{#message}}<p class="error" data-error>{{message}}</p>{{/message}}
            <form method="post" action="/schedules/{{name}}/edit" class="edit"><input type="hidden" name="form_token" value="{{formToken}}">
            <p><label>Job kind <input name="kind" value="{{kind}}" required></label> <label>Queue <input name="queue" value="{{queue}}" placeholder="the worker's"></label></p>
            <p><label>Args (JSON)<br><textarea name="args" rows="4" cols="48">{{args}}</textarea></label></p>
            <p><label>Runs <select name="type"><option value="cron"{{#isCron}} selected{{/isCron}}>on a cron expression</option><option value="every"{{#isEvery}} selected{{/isEvery}}>every N seconds</option><option value="manual"{{#isManual}} selected{{/isManual}}>only when triggered</option></select></label></p>
            <p><label>Cron <input name="cron" value="{{cron}}" placeholder="30 2 * * *"></label> <label>or every <input name="every_seconds" value="{{everySeconds}}" size="6"> s</label></p>
            <p><label>Time zone <input name="time_zone" value="{{timeZone}}"></label>
            <label>Overlap <select name="overlap"><option value="allow"{{^skip}} selected{{/skip}}>allow</option><option value="skip"{{#skip}} selected{{/skip}}>skip while the last run is unfinished</option></select></label></p>
            <p><label>Description <input name="description" value="{{description}}" size="48"></label></p>
            <p><button>Save</button> <a href="/schedules">Cancel</a></p></form>
            """#,
        "nodes": #"""
            <h1>Nodes</h1>
            <div class="scroll"><table><thead><tr><th>name</th><th>queues</th><th>kinds</th><th>running</th><th>started</th><th>last heartbeat</th></tr></thead><tbody>
            {{#nodes}}<tr><td>{{name}}</td><td>{{queues}}</td><td>{{kinds}}</td><td>{{running}}</td><td>{{startedAt}}</td><td>{{heartbeatAt}}</td></tr>{{/nodes}}
            </tbody></table></div>
            {{^nodes}}<p>No node has heartbeated lately.</p>{{/nodes}}
            """#,
        "login": #"""
            <h1>Sign in</h1>
            {{#message}}<p class="error">{{message}}</p>{{/message}}
            <form method="post" action="/login"><p><label>API key <input type="password" name="key" autocomplete="current-password" required></label></p><p><button>Sign in</button></p></form>
            """#,
    ]
}
