#!/usr/bin/env bash
# Lighthouse (mobile, all four categories) on the example's landing pages, reproducibly and offline.
#
#   scripts/lighthouse.sh [OUT_DIR]        default OUT_DIR: /tmp/lh-out
#
# What it does:
#   1. installs Lighthouse ($LIGHTHOUSE_VERSION, pinned) from the npm registry into .lighthouse/ if missing;
#      a separate prefix, so the test tools' package.json and package-lock.json stay as they are;
#   2. builds the example: python3 -m site_builder build -o OUT_DIR (PYTHONPATH = this repository);
#   3. serves OUT_DIR/site as /whatsapp/ on 127.0.0.1 with nginx and the generated OUT_DIR/hosting/nginx.conf,
#      so the page gets exactly the headers (CSP, gzip, caching) a real host sends; without nginx it falls
#      back to Python's http.server (no security headers: best-practices may then differ) and says so;
#   4. runs Lighthouse with Debian's Chromium (CHROME_PATH, default /usr/bin/chromium), mobile form factor,
#      all four categories, for the German and the English landing page and the German privacy page
#      (override: PAGES="/ en/ datenschutz.html", paths below the site's base path), RUNS times per page
#      (default 3) keeping Lighthouse's median run, and prints the four scores per page, the spread of the
#      performance score over the runs with the host's benchmarkIndex, the number of requests to other origins,
#      and every failed audit (id, title, value; the two failures that are explained, not fixed, say so).
#
# Network: loopback only. Chromium resolves no host name but 127.0.0.1 (--host-resolver-rules), runs with
# background networking, component updates, sync and domain reliability off; Lighthouse's error reporting
# is off. No audit needs the internet. (The robots.txt audit would fetch http://127.0.0.1:PORT/robots.txt,
# but the page's CSP, connect-src 'none', stops that fetch in the browser: the script counts how many such
# requests reached the server.)
#
# Variables: LIGHTHOUSE_VERSION, CHROME_PATH, PYTHON, PAGES, RUNS, REPORTS (default .lighthouse/reports),
# CONTROL=1 (also audit a minimal page served without the site's headers: the host's share of the score),
# CPU_SLOWDOWN (Lighthouse's mobile default 4; see benchmarks/LIGHTHOUSE.md for when 1 is the fair value),
# NGINX (path; a missing one means Python's http.server), STRICT=1 (exit 2 when a score is below 100).
# Reports: REPORTS/<page>.report.{json,html} (the median run) and <page>.run<N>.json (every run).
# Exit code: 0 when every page ran, whatever the scores; 1 when a page had no valid run; 2 as above.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

LIGHTHOUSE_VERSION=${LIGHTHOUSE_VERSION:-12.8.2}
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PYTHON=${PYTHON:-python3}
out=${1:-/tmp/lh-out}
read -r -a pages <<< "${PAGES:-/ en/ datenschutz.html}"
# CONTROL=1: first a minimal page (a heading and a sentence) on the same server, as a yardstick for how much of
# the performance score this host's load takes away from any page
[[ ${CONTROL:-0} != 1 ]] || pages=(@control "${pages[@]}")

# 1. Lighthouse, pinned, in its own prefix (the folder ignores itself, so no .gitignore change is needed)
lh_dir=$repo/.lighthouse
lh_bin=$lh_dir/node_modules/.bin/lighthouse
if [[ ! -x $lh_bin ]] || [[ $(node -p "require('$lh_dir/node_modules/lighthouse/package.json').version" 2>/dev/null) != "$LIGHTHOUSE_VERSION" ]]; then
    mkdir -p "$lh_dir"
    printf '*\n' > "$lh_dir/.gitignore"
    echo "installing lighthouse@$LIGHTHOUSE_VERSION into .lighthouse/ ..."
    # --ignore-scripts: nothing in Lighthouse's tree needs an install script, and none may download a browser
    npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
        --prefix "$lh_dir" "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
fi
[[ -x $CHROME_PATH ]] || { echo "$CHROME_PATH: not found (apt-get install chromium, or set CHROME_PATH)" >&2; exit 1; }

# 2. the example, built fresh
PYTHONPATH=$repo${PYTHONPATH:+:$PYTHONPATH} "$PYTHON" -m site_builder build -o "$out" >/dev/null
# the path the site lives under on its host (base_url), as the generated nginx.conf has it
base=$(sed -n 's|^ *location \(/[^ ]*/\) {$|\1|p' "$out/hosting/nginx.conf" | head -n1)
base=${base:-/}
reports=${REPORTS:-$repo/.lighthouse/reports}
rm -rf "$reports"
mkdir -p "$reports"

# 3. serve OUT_DIR/site as /whatsapp/ on a free loopback port
work=$(mktemp -d /tmp/lh-serve.XXXXXX)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/www$base"
cp -a "$out/site/." "$work/www$base"
cat > "$work/www/lighthouse-control.html" <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Control page</title><meta name="description" content="A minimal page to compare the host's load against.">
</head><body><h1>Control page</h1><p>A heading and one sentence, nothing else.</p></body></html>
EOF
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if [[ -x $nginx ]]; then
    server="nginx with output/hosting/nginx.conf (the headers a real host sends)"
    sed -e "s|@LISTEN@|127.0.0.1:$port|" -e "s|@ROOT@|$work/www|" "$out/hosting/nginx.conf" > "$work/site.conf"
    mime="include /etc/nginx/mime.types;"
    [[ -f /etc/nginx/mime.types ]] || mime="types { text/html html; text/css css; image/svg+xml svg; image/png png; image/x-icon ico; }"
    cat > "$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 64; }
http {
    $mime
    default_type application/octet-stream;
    access_log $work/access.log;
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/site.conf;
}
EOF
    # root runs nginx's workers as nobody, who must be able to read the copy
    chmod -R a+rX "$work"
    "$nginx" -p "$work" -e "$work/error.log" -c "$work/nginx.conf" -g "daemon off;" &
    server_pid=$!
else
    server="Python's http.server (no CSP or security headers: nginx not found)"
    "$PYTHON" -m http.server --bind 127.0.0.1 --directory "$work/www" "$port" >"$work/access.log" 2>&1 &
    server_pid=$!
fi
for _ in $(seq 50); do
    "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/error.log" >&2 2>/dev/null; echo "server did not start" >&2; exit 1; }
    sleep 0.1
done

lh_version=$(node -p "require('$lh_dir/node_modules/lighthouse/package.json').version")
chrome_version=$("$CHROME_PATH" --version 2>/dev/null | head -n1)
echo "Lighthouse $lh_version, $chrome_version, mobile; served by $server"

# 4. Lighthouse, one page after the other (2 cores: parallel runs would distort the performance score).
# RUNS runs per page (default 3); the report kept is Lighthouse's own median run (core/lib/median-run.js,
# nearest to the median FCP and TTI), as Lighthouse's docs advise for a score that varies with machine load.
runs=${RUNS:-3}
chrome_flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
chrome_flags+=" --disable-sync --disable-domain-reliability --disable-client-side-phishing-detection --no-first-run"
chrome_flags+=" --disable-default-apps"
# every host name but 127.0.0.1 fails to resolve: a request to another origin shows up as a failed request
chrome_flags+=' --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
throttle=()
# CPU_SLOWDOWN: Lighthouse's mobile default is 4 (a mid-range phone on a fast desktop); on a slow or busy
# machine (benchmarkIndex well below 1000 in the output) Lighthouse's docs advise a lower multiplier
[[ -z ${CPU_SLOWDOWN:-} ]] || throttle=(--throttling.cpuSlowdownMultiplier="$CPU_SLOWDOWN")
failed_run=0
for page in "${pages[@]}"; do
    url="http://127.0.0.1:$port$base${page#/}"
    [[ $page != @control ]] || url="http://127.0.0.1:$port/lighthouse-control.html"
    name=${page#/}
    name=${name%/}
    name=${name//\//-}
    name=${name%.html}
    name=${name:-index}
    name=${name/@control/control}
    for run in $(seq "$runs"); do
        # a non-zero exit with a written report is a run that Lighthouse itself marked broken (e.g. NO_NAVSTART);
        # the median step below drops it
        CHROME_PATH=$CHROME_PATH "$lh_bin" "$url" \
            --quiet --no-enable-error-reporting \
            --form-factor=mobile "${throttle[@]}" \
            --only-categories=performance,accessibility,best-practices,seo \
            --chrome-flags="$chrome_flags" \
            --output=json --output-path="$reports/$name.run$run.json" 2>>"$reports/$name.log" || true
    done
    node --input-type=module - "$lh_dir/node_modules/lighthouse" "$reports" "$name" "$runs" <<'EOF' || failed_run=1
import fs from "node:fs";
const [lh, reports, name, runs] = process.argv.slice(2);
const {computeMedianRun, filterToValidRuns} = await import(`${lh}/core/lib/median-run.js`);
const {ReportGenerator} = await import(`${lh}/report/generator/report-generator.js`);
const all = [];
for (let i = 1; i <= Number(runs); i++) {
  const file = `${reports}/${name}.run${i}.json`;
  if (fs.existsSync(file)) all.push(JSON.parse(fs.readFileSync(file, "utf8")));
}
const valid = filterToValidRuns(all.filter(lhr => !lhr.runtimeError));
if (!valid.length) {
  console.error(`${name}: no valid Lighthouse run of ${runs} (see ${reports}/${name}.log)`);
  process.exit(1);
}
const median = computeMedianRun(valid);
// every run's figures travel with the median report, so the summary can show the spread
median.siteBuilderRuns = valid.map(lhr => ({
  benchmarkIndex: lhr.environment.benchmarkIndex,
  scores: Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, c.score])),
}));
median.siteBuilderInvalidRuns = all.length - valid.length;
fs.writeFileSync(`${reports}/${name}.report.json`, JSON.stringify(median, null, 1));
fs.writeFileSync(`${reports}/${name}.report.html`, ReportGenerator.generateReportHtml(median));
EOF
done

# the figures: four scores per page, then every audit that did not pass (with the reason, where one is known)
status=0
ACCESS_LOG=$work/access.log STRICT=${STRICT:-0} "$PYTHON" - "$reports" "${pages[@]}" <<'EOF' || status=$?
import json, os, sys
from pathlib import Path

# Failures that are explained rather than fixed (benchmarks/LIGHTHOUSE.md says why)
KNOWN = {
    "robots-txt": "expected: the CSP's connect-src 'none' also blocks Lighthouse's own fetch of /robots.txt",
    "is-crawlable": "expected on noindex pages (privacy, imprint, withdrawal, consent text): kept out of search on purpose",
}
reports, pages = Path(sys.argv[1]), sys.argv[2:]
below = False
for page in pages:
    name = page.strip("/").replace("/", "-").removesuffix(".html").replace("@control", "control") or "index"
    path = reports / f"{name}.report.json"
    if not path.is_file():
        print(f"{page}: no report")
        below = True
        continue
    lhr = json.loads(path.read_text(encoding="utf-8"))
    scores = {cid: cat["score"] for cid, cat in lhr["categories"].items()}
    line = "  ".join(f"{cid} {'-' if s is None else round(s * 100)}" for cid, s in scores.items())
    print(f"{page}: {line}")
    below |= any(s is None or s < 1 for s in scores.values())
    runs = lhr.get("siteBuilderRuns", [])
    perf = sorted(round(r["scores"]["performance"] * 100) for r in runs if r["scores"].get("performance") is not None)
    bench = sorted(round(r["benchmarkIndex"]) for r in runs)
    print(f"    median of {len(runs)} valid run(s) ({lhr.get('siteBuilderInvalidRuns', 0)} broken);"
          f" performance per run {perf}; benchmarkIndex {bench}")
    foreign = [r["url"] for r in lhr["audits"]["network-requests"]["details"]["items"]
               if not r["url"].startswith(("http://127.0.0.1:", "data:"))]
    print(f"    requests to other origins: {len(foreign)}" + "".join(f"\n      {u}" for u in foreign))
    counted = {ref["id"] for cat in lhr["categories"].values() for ref in cat["auditRefs"] if ref.get("weight", 0) > 0}
    for audit in lhr["audits"].values():
        mode = audit.get("scoreDisplayMode")
        if mode in ("binary", "numeric", "metricSavings") and audit.get("score") is not None and audit["score"] < 1:
            extra = "" if audit["id"] in counted else " (not scored)"
            if audit.get("displayValue"):
                extra += f" [{audit['displayValue']}]"
            if audit["id"] in KNOWN:
                extra += f" -- {KNOWN[audit['id']]}"
            print(f"    FAIL {audit['id']}: {audit['title']}{extra}")
        elif mode == "error":
            print(f"    ERROR {audit['id']}: {audit['title']}: {audit.get('errorMessage', '')}")
log = Path(os.environ["ACCESS_LOG"])
robots = sum(" /robots.txt " in line for line in log.read_text().splitlines()) if log.is_file() else 0
control = "@control" in pages
print(f"requests for /robots.txt that reached the server: {robots}"
      + (" (the control page has no CSP, so its runs may fetch it; the site's pages, under their CSP, cannot)"
         if control else ""))
print(f"reports (median run per page, HTML and JSON): {reports}/")
sys.exit(2 if below and os.environ.get("STRICT") == "1" else 0)
EOF
[[ $failed_run == 0 ]] || exit 1
exit "$status"
