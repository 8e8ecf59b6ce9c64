#!/usr/bin/env python3
"""Logs reporters in and lists the tasks each may still write, for bench/spike.lua.

Usage: bench/prepare.py BASE_URL DB_URL PERIOD N OUT
  BASE_URL  the running server, e.g. http://127.0.0.1:8089
  DB_URL    the same database (sqlite://PATH or postgres://…), read for the open tasks
  PERIOD    the period the reporters write, e.g. 2024-12
  N         reporters r00001 … (made by `jixiao demo --accounts N`)
  OUT       one line a reporter: "COOKIE CSRF TASK:VERSION …" (version 0: no report yet)
The password comes from JIXIAO_PASSWORD. Only the Python standard library is used.
"""
import concurrent.futures
import http.client
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse

OPEN_TASKS = """
SELECT us.username, t.id, COALESCE(r.version, 0)
FROM users us JOIN tasks t ON t.unit_id = us.unit_id
JOIN periods p ON p.scheme_id = t.scheme_id AND p.code = '{period}'
LEFT JOIN progress_reports r ON r.task_id = t.id AND r.period_id = p.id
WHERE us.role = 'reporter' AND (r.id IS NULL OR r.state IN ('draft', 'returned'))
ORDER BY us.username, t.position
"""


def open_tasks(db_url, period):
    sql = OPEN_TASKS.format(period=period.replace("'", ""))
    if db_url.startswith("sqlite:"):
        path = re.sub(r"^sqlite:(//)?", "", db_url).split("?")[0]
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute(sql).fetchall()
    else:
        out = subprocess.run(["psql", "-At", "-F", " ", "-d", db_url, "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        rows = [line.split(" ") for line in out.splitlines() if line]
    tasks = {}
    for username, task, version in rows:
        tasks.setdefault(username, []).append(f"{task}:{version}")
    return tasks


def request(base, method, path, headers=None, body=None):
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read().decode("utf-8", "replace")
    cookies = {}
    for k, v in resp.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    conn.close()
    return resp.status, cookies, data


def csrf_in(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    return m.group(1) if m else None


def login(base, username, password):
    _, cookies, html = request(base, "GET", "/login")
    form = urllib.parse.urlencode({"csrf": csrf_in(html), "next": "/", "username": username,
                                   "password": password})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, cookies, _ = request(base, "POST", "/login", {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, form)
    if status != 303 or "jixiao_session" not in cookies:
        raise SystemExit(f"login of {username} failed: {status}")
    session = f"jixiao_session={cookies['jixiao_session']}"
    _, _, page = request(base, "GET", "/account", {"Cookie": session})
    return session, csrf_in(page)


def main():
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    base, db_url, period, n, out = sys.argv[1:]
    password = os.environ.get("JIXIAO_PASSWORD") or sys.exit("set JIXIAO_PASSWORD")
    tasks = open_tasks(db_url, period)
    names = [f"r{i:05d}" for i in range(1, int(n) + 1)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        sessions = list(pool.map(lambda u: login(base, u, password), names))
    with open(out, "w") as f:
        for name, (cookie, csrf) in zip(names, sessions):
            f.write(" ".join([cookie, urllib.parse.quote(csrf, safe="")] + tasks.get(name, [])) + "\n")
    n_tasks = sum(len(tasks.get(u, [])) for u in names)
    print(f"{len(names)} reporters logged in, {n_tasks} open tasks in {period}", file=sys.stderr)


if __name__ == "__main__":
    main()
