#!/usr/bin/env python3
"""test_jobs.py — the persistent job queue through the real binary: voronka.job.add / .get, every
job's effects landing exactly once across kill -9 and restarts, and a clean SIGTERM (the running
job and the request in flight finish, the server exits 0).

voronka.test.record writes one log row per run inside the job's transaction; voronka.job.get
reports the committed rows as RUNS, so RUNS == 1 on a done job means "ran exactly once"."""
import json, os, random, signal, sqlite3, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, check, run, test  # noqa: E402

N_JOBS = 200
# A short lease, so that jobs claimed by a killed process are taken again in seconds, not a minute.
srv = Server(env={"VORONKA_JOB_LEASE": "2"})


def ok(method, params=None, conn=None):
    st, body = srv.call(method, params, conn=conn)
    check(st == 200 and "result" in body, method, params, st, body)
    return body["result"]


def job(id_, conn=None):
    return ok("voronka.job.get", {"ID": id_}, conn)


def states(ids, conn):
    return [job(i, conn) for i in ids]


@test
def add_and_get():
    id_ = ok("voronka.job.add", {"KIND": "voronka.test.record", "PAYLOAD": {"note": "hello"}})
    check(isinstance(id_, int) and id_ > 0, id_)
    deadline = time.time() + 20
    while True:
        j = job(id_)
        if j["STATE"] != "queued" or time.time() > deadline:
            break
        time.sleep(0.05)
    check(j["ID"] == str(id_) and j["KIND"] == "voronka.test.record", j)
    check(json.loads(j["PAYLOAD"]) == {"note": "hello"}, j)
    check(j["STATE"] == "done" and j["ATTEMPTS"] == 1 and j["RUNS"] == 1, j)
    check(j["FINISHED_AT"] and j["CREATED_AT"] and j["DUE_AT"] and j["LAST_ERROR"] == "", j)
    # lower-case names, a text payload, a form-encoded call
    id2 = ok("voronka.job.add", {"kind": "voronka.test.record", "payload": "{}", "delay": 3600})
    j = job(id2)
    check(j["STATE"] == "queued" and j["ATTEMPTS"] == 0 and j["RUNS"] == 0 and j["FINISHED_AT"] is None, j)
    st, body = srv.call("voronka.job.add", {"KIND": "voronka.test.record", "DUE_AT": "2999-01-01T00:00:00Z"},
                        via="form")
    check(st == 200 and job(body["result"])["STATE"] == "queued", st, body)


@test
def add_refuses_bad_arguments():
    for params in ({}, {"KIND": "no.such.kind"}, {"KIND": "voronka.test.record", "DELAY": "soon"},
                   {"KIND": "voronka.test.record", "DELAY": -1},
                   {"KIND": "voronka.test.record", "DUE_AT": "tomorrow"},
                   {"KIND": "voronka.test.record", "DELAY": 1, "DUE_AT": "2999-01-01"},
                   {"KIND": "voronka.test.record", "PAYLOAD": 12}):
        st, body = srv.call("voronka.job.add", params)
        check(st == 400 and body.get("error") == "ERROR_ARGUMENT", params, st, body)
    st, body = srv.call("voronka.job.get", {"ID": 999999})
    check(st == 400 and body.get("error") == "NOT_FOUND", st, body)
    st, body = srv.call("voronka.job.get", {})
    check(st == 400 and body.get("error") == "ERROR_ARGUMENT", st, body)


@test
def failing_kind_records_its_error():
    id_ = ok("voronka.job.add", {"KIND": "voronka.test.fail"})
    deadline = time.time() + 10
    while time.time() < deadline:
        j = job(id_)
        if j["ATTEMPTS"] >= 1 and j["LAST_ERROR"]:
            break
        time.sleep(0.05)
    check("always fails" in j["LAST_ERROR"] and j["RUNS"] == 0, j)
    check(j["STATE"] == "queued", j)  # retried later with backoff (2 s, 4 s, …)


@test
def exactly_once_across_kill9():
    c = srv.conn()
    t0 = time.time()
    # Every 8th job holds its transaction 120 ms, so that kills land mid-run; all become due together.
    ids = []
    for i in range(N_JOBS):
        payload = {"n": i, "sleep_ms": 120 if i % 8 == 0 else random.randint(0, 4)}
        ids.append(ok("voronka.job.add", {"KIND": "voronka.test.record", "PAYLOAD": payload, "DELAY": 1}, c))
    c.close()
    print(f"  queued {N_JOBS} jobs in {time.time() - t0:.2f} s", flush=True)
    kills = 0
    for pause in (1.4, 0.7, 0.9):
        time.sleep(pause)
        c = srv.conn()
        done = sum(1 for j in states(ids, c) if j["STATE"] == "done")
        c.close()
        if done == N_JOBS:
            break
        srv.stop(signal.SIGKILL)
        kills += 1
        print(f"  kill -9 with {done}/{N_JOBS} done", flush=True)
        srv.start()
    check(kills >= 1, "every job was done before the first kill: make the jobs slower")
    deadline = time.time() + 90
    while True:
        c = srv.conn()
        js = states(ids, c)
        c.close()
        if all(j["STATE"] != "queued" for j in js) or time.time() > deadline:
            break
        time.sleep(0.3)
    not_done = [j for j in js if j["STATE"] != "done"]
    check(not not_done, f"{len(not_done)} jobs not done", not_done[:3])
    wrong = [j for j in js if j["RUNS"] != 1]
    check(not wrong, f"{len(wrong)} jobs did not run exactly once", wrong[:3])
    rerun = sum(1 for j in js if j["ATTEMPTS"] > 1)
    print(f"  all {N_JOBS} ran exactly once after {kills} kill(s); {rerun} were claimed again "
          f"after their worker died; {time.time() - t0:.1f} s in all", flush=True)


@test
def sigterm_finishes_running_job_and_request():
    slow = ok("voronka.job.add", {"KIND": "voronka.test.record", "PAYLOAD": {"sleep_ms": 1500}})
    deadline = time.time() + 10
    while job(slow)["ATTEMPTS"] < 1 and time.time() < deadline:  # claimed: its handler is sleeping
        time.sleep(0.02)
    check(job(slow)["ATTEMPTS"] == 1, job(slow))
    # A write request now waits for the database lock the running job holds: a request in flight.
    answer = {}

    def add():
        answer["r"] = None, None
        answer["r"] = srv.call("voronka.job.add", {"KIND": "voronka.test.record", "DELAY": 3600})

    t = threading.Thread(target=add)
    t.start()
    time.sleep(0.3)
    srv.proc.send_signal(signal.SIGTERM)
    try:
        rc = srv.proc.wait(30)
        srv.proc = None
        t.join(10)
        check(rc == 0, "exit status", rc, srv.read_log()[-1500:])
        db = sqlite3.connect(f"file:{os.path.join(srv.data, 'voronka.db')}?mode=ro", uri=True)
        state, = db.execute("SELECT state FROM jobs WHERE id = ?", (slow,)).fetchone()
        runs, = db.execute("SELECT COUNT(*) FROM job_test_log WHERE job_id = ?", (slow,)).fetchone()
        db.close()
        check(state == "done" and runs == 1, "the running job", state, runs)
        st, body = answer.get("r", (None, None))
        check(st == 200 and isinstance(body.get("result"), int), "the request in flight got no answer", st, body)
    finally:
        if srv.proc is None:
            srv.start()

run()
