#!/usr/bin/env python3
"""setup.py — the department tree and roles of bench/rights/run.sh, through the REST API.

    setup.py BIN DATA BASE_URL        (BASE_URL: http://127.0.0.1:PORT/rest/1/SECRET/)

The seeded portal's users (the administrator and the 29 `voronka seed` makes) go into a tree three
levels deep, like a company's: the company (the administrator and one more), two divisions of
three (the first is the head), two teams under each division (the rest, the first of each the
head). The head of division A and the head of team A1 get the default role «Руководитель отдела»
(F: own + department + sub-departments) by U{id}; everyone keeps «Менеджер» (A) through AU, so
their effective level is the maximum, F. Each of them gets a webhook (scope crm).

Done once per data folder (the tree is remembered in DATA/bench-rights.json); later runs only
check the webhooks still answer and print the same lines. Prints shell assignments:
DIV_USER, DIV_HOOK, TEAM_USER, TEAM_HOOK, DIV_USERS, TEAM_USERS (comma-separated ids).
Standard library only."""
import json, os, re, subprocess, sys, urllib.parse, urllib.request


def rest(base, method, params=None):
    req = urllib.request.Request(base + method, data=json.dumps(params or {}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"setup: {method} answered {e.code}: {e.read()[:300]!r}")
    if "result" not in body:
        raise SystemExit(f"setup: {method}: {body}")
    return body["result"]


def users(base):
    out, start = [], 0
    while start is not None:
        req = urllib.request.Request(base + "user.get?" + urllib.parse.urlencode({"start": start}))
        with urllib.request.urlopen(req, timeout=60) as r:
            body = json.load(r)
        out += [int(u["ID"]) for u in body["result"]]
        start = body.get("next")
    return sorted(out)


def hook(bin_, data, uid):
    out = subprocess.run([bin_, "webhook", "add", "--data", data, "--user", str(uid), "--scope", "crm",
                          "--title", "bench-rights"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"(/rest/\d+/[A-Za-z0-9]+/)", out)
    if not m:
        raise SystemExit("setup: webhook add printed no URL: " + out)
    return m.group(1)


def answers(root, path):
    try:
        with urllib.request.urlopen(root + path + "user.current", timeout=30) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def build(base):
    ids = [i for i in users(base) if i != 1]
    if len(ids) < 20:
        raise SystemExit(f"setup: {len(ids)} users besides the administrator; the seed makes 29")
    dept = {"root": 1}
    for key, parent in (("A", "root"), ("B", "root"), ("A1", "A"), ("A2", "A"), ("B1", "B"), ("B2", "B")):
        dept[key] = rest(base, "department.add", {"NAME": f"Бенч {key}", "PARENT": dept[parent]})
    # one more in the company, three in each division, the rest spread over the four teams
    groups = {"root": ids[:1], "A": ids[1:4], "B": ids[4:7]}
    rest_ids = ids[7:]
    for k, key in enumerate(("A1", "A2", "B1", "B2")):
        groups[key] = rest_ids[k::4]
    for key, members in groups.items():
        for uid in members:
            rest(base, "user.update", {"ID": uid, "UF_DEPARTMENT": [dept[key]]})
        if key != "root":
            rest(base, "department.update", {"ID": dept[key], "UF_HEAD": members[0]})
    roles = {r["CODE"]: r["ID"] for r in rest(base, "voronka.crm.role.list")}
    div, team = groups["A"][0], groups["A1"][0]
    rest(base, "voronka.crm.role.assignments.set", {"ASSIGNMENTS": [
        {"ACCESS_CODE": "AU", "ROLE_ID": roles["MANAGER"]},
        {"ACCESS_CODE": f"U{div}", "ROLE_ID": roles["HEAD"]},
        {"ACCESS_CODE": f"U{team}", "ROLE_ID": roles["HEAD"]}]})
    return {"div_user": div, "team_user": team,
            # whose deals each may see: the model, for the check against SQL
            "div_users": sorted({div} | set(groups["A"]) | set(groups["A1"]) | set(groups["A2"])),
            "team_users": sorted({team} | set(groups["A1"]))}


def main():
    bin_, data, base = sys.argv[1:4]
    root = base.split("/rest/")[0]
    state_file = os.path.join(data, "bench-rights.json")
    state = json.load(open(state_file)) if os.path.exists(state_file) else None
    if state is None:
        state = build(base)
    for who in ("div", "team"):
        if not state.get(who + "_hook") or not answers(root, state[who + "_hook"]):
            state[who + "_hook"] = hook(bin_, data, state[who + "_user"])
    with open(state_file, "w") as f:
        json.dump(state, f)
    print(f"DIV_USER={state['div_user']} DIV_HOOK={state['div_hook']} TEAM_USER={state['team_user']} "
          f"TEAM_HOOK={state['team_hook']} DIV_USERS={','.join(map(str, state['div_users']))} "
          f"TEAM_USERS={','.join(map(str, state['team_users']))}")


main()
