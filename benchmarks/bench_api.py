"""GET /api/v1/me (OAuth bearer token, scope check, throttle, audit insert, ETag) vs a plain Django view
returning the same member summary as JSON (no auth, no audit, no DRF), side by side in one run:
gunicorn (2 sync workers) + wrk (1 thread, 16 connections), interleaved repetitions (ABBA halves).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_doors_bench .venv/bin/python benchmarks/bench_api.py
        [--members 2000] [--tokens 500] [--reps 3] [--duration 15] [--port 8160] [--out results.json]

Prints requests/s and p99 for both, the ratio (target: /api/v1/me >= 80% of plain), and the queries per
request of each. Needs `wrk` (apt-get install -y wrk). Starts and stops its own gunicorn (by PID).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/mh_doors_bench"
LUA = """
-- wrk script: random member per request; variant "api" (bearer token) or "plain" (member pk in the path)
local variant, rows = "api", {}
function init(args)
  variant = args[1]
  for line in io.lines(args[2]) do
    local token, pk = line:match("^(%S+)%s+(%S+)$")
    if token then rows[#rows + 1] = {token, pk} end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end
function request()
  local row = rows[math.random(#rows)]
  if variant == "api" then
    return wrk.format("GET", "/api/v1/me", {["Authorization"] = "Bearer " .. row[1], ["Accept"] = "application/json"})
  end
  return wrk.format("GET", "/bench/plain/me/" .. row[2], {["Accept"] = "application/json"})
end
"""


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_api_settings",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 60,
        "MEMBERHUB_HASH_KEY": "bench-only-hash-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[-1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


SETUP_CODE = """
import json, secrets, datetime as dt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value
from apps.accounts.models import Role, User
from apps.accounts.scopes import scopes_seed
from apps.members.models import Member

scopes_seed()
app, _ = Application.objects.get_or_create(
    name="bench mobile app",
    defaults=dict(client_type="public", authorization_grant_type="authorization-code",
                  redirect_uris="org.memberhub.app:/oauth/callback", algorithm=""),
)
members = list(Member.objects.filter(enrollments__isnull=False).distinct().order_by("member_id")[:{tokens}])
rows = []
for member in members:
    user = User.objects.filter(member=member).first()
    if user is None:
        user = User.objects.create_user(username=f"bench-{{member.member_id}}", role=Role.MEMBER, member=member,
                                        password=None)  # unusable: these users sign in by token only
    raw = secrets.token_urlsafe(30)
    token = AccessToken(user=user, application=app, scope="member.read card.read",
                        expires=timezone.now() + dt.timedelta(days=1))
    set_token_value(token, raw)
    token.save()
    rows.append((raw, str(member.pk)))
client = Client()
counts = {{}}
client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + rows[1][0], HTTP_HOST="127.0.0.1")  # loads the scope table
with CaptureQueriesContext(connection) as q:
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + rows[0][0], HTTP_HOST="127.0.0.1")
counts["api"] = (r.status_code, len(q), len(r.content))
with CaptureQueriesContext(connection) as q:
    r = client.get("/bench/plain/me/" + rows[0][1], HTTP_HOST="127.0.0.1")
counts["plain"] = (r.status_code, len(q), len(r.content))
print("BENCH-JSON " + json.dumps({{"rows": rows, "counts": counts}}))
"""


def setup(
    env: dict[str, str], database_url: str, members: int, tokens: int
) -> tuple[Path, dict[str, list[int]]]:
    _ensure_database(database_url)
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "seed_demo", "--members", str(members))
    out = _manage(env, "shell", "-c", SETUP_CODE.format(tokens=tokens))
    payload = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH-JSON "))[11:])
    rows_file = Path(tempfile.gettempdir()) / "memberhub-bench-api-rows.txt"
    rows_file.write_text("\n".join(f"{token} {pk}" for token, pk in payload["rows"]) + "\n")
    return rows_file, payload["counts"]


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                return process
            except OSError:  # refused, reset or timed out while the workers boot
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not come up")
    except BaseException:
        stop(process)
        raise


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wrk(port: int, variant: str, rows_file: Path, lua: Path, duration: int) -> dict[str, float]:
    cmd = [
        "wrk",
        "-t1",
        "-c16",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}",
        "--",
        variant,
        str(rows_file),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(match.group(1)) * unit[match.group(2)] if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50%"),
        "p99_ms": latency("99%"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    env = _env(database_url)

    print(f"setup: {args.members} demo members, {args.tokens} member tokens ({database_url})", flush=True)
    rows_file, counts = setup(env, database_url, args.members, args.tokens)
    print(f"per request (status, queries, bytes): api {counts['api']}, plain {counts['plain']}", flush=True)
    lua = Path(tempfile.gettempdir()) / "memberhub-bench-api.lua"
    lua.write_text(LUA)

    results: dict[str, list[dict[str, float]]] = {"api": [], "plain": []}
    process = start_gunicorn(env, args.port)
    try:
        for variant in ("api", "plain"):  # warm both workers: imports, URL resolver, DB connections
            wrk(args.port, variant, rows_file, lua, 3)
        # ABBA within each repetition: the machine is shared, so load that drifts during a repetition
        # hits both variants alike; the ratio is taken per repetition.
        half = max(args.duration // 2, 2)
        for rep in range(args.reps):
            order = ("api", "plain", "plain", "api") if rep % 2 == 0 else ("plain", "api", "api", "plain")
            segments: dict[str, list[dict[str, float]]] = {"api": [], "plain": []}
            for variant in order:
                segments[variant].append(wrk(args.port, variant, rows_file, lua, half))
            for variant, parts in segments.items():
                result = {
                    "rps": sum(p["rps"] for p in parts) / len(parts),
                    "p50_ms": max(p["p50_ms"] for p in parts),
                    "p99_ms": max(p["p99_ms"] for p in parts),
                    "non2xx": sum(p["non2xx"] for p in parts),
                }
                results[variant].append(result)
                print(
                    f"rep {rep} {variant:5s} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                    f"p99 {result['p99_ms']:6.1f} ms  non-2xx {int(result['non2xx'])}",
                    flush=True,
                )
    finally:
        stop(process)

    ratios = [a["rps"] / p["rps"] for a, p in zip(results["api"], results["plain"], strict=True) if p["rps"]]
    summary = {
        variant: {
            "rps_median": statistics.median(r["rps"] for r in runs),
            "p99_ms_median": statistics.median(r["p99_ms"] for r in runs),
            "non2xx": sum(int(r["non2xx"]) for r in runs),
        }
        for variant, runs in results.items()
    }
    ratio = statistics.median(ratios) if ratios else float("nan")
    print()
    print("| endpoint | req/s (median) | p99 ms (median) | queries/request |")
    print("|---|---|---|---|")
    print(
        f"| GET /api/v1/me (OAuth + scope + throttle + audit + ETag) | {summary['api']['rps_median']:.0f} | "
        f"{summary['api']['p99_ms_median']:.1f} | {counts['api'][1]} |"
    )
    print(
        f"| plain Django view, same summary as JSON | {summary['plain']['rps_median']:.0f} | "
        f"{summary['plain']['p99_ms_median']:.1f} | {counts['plain'][1]} |"
    )
    verdict = "OK" if ratio >= 0.8 else "BELOW TARGET"
    print(
        f"\n/api/v1/me throughput = {ratio:.1%} of the plain view (median of per-repetition ratios; target >= 80%): "
        f"{verdict}"
    )
    if args.out:
        args.out.write_text(
            json.dumps({"runs": results, "summary": summary, "ratio": ratio, "counts": counts}, indent=1)
        )


if __name__ == "__main__":
    main()
