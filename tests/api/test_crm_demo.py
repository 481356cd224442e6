"""test_crm_demo.py — the demo company's CRM (`voronka init --demo`) and bulk bench data
(`voronka seed --deals N`), seen through the REST API as a user would: the promised volumes,
Russian names, phones and e-mails, three pipelines with plausibly spread stages, deals linked to
companies and contacts, dates over the last six months, calls, meetings and comments; then a
seeded portal whose list totals and per-stage counts and sums agree with its deals."""
import os, re, sys, tempfile, time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, test, run, check, voronka, ADMIN_EMAIL, ADMIN_PASSWORD  # noqa: E402

CYRILLIC = re.compile(r"^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?$")


def init_demo():
    data = tempfile.mkdtemp(prefix="voronka-demo-")
    out = voronka("init", "--data", data, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD,
                  "--demo").stdout
    return data, out


t0 = time.time()
demo_data, demo_out = init_demo()
demo_seconds = time.time() - t0
srv = Server(data=demo_data)


def ok(method, params=None, server=None):
    st, body = (server or srv).call(method, params)
    check(st == 200 and "result" in body, method, params, st, body)
    return body


def total(method, flt=None, server=None):
    params = {"start": 0, "select": ["ID"]}
    if flt:
        params["filter"] = flt
    return ok(method, params, server)["total"]


def all_rows(method, params, server=None):
    """Every page of a list."""
    rows, start = [], 0
    while True:
        body = ok(method, dict(params, start=start), server)
        rows += body["result"]
        if "next" not in body:
            return rows
        start = body["next"]


@test
def init_is_quick_and_says_what_it_made():
    check(demo_seconds < 20, "init --demo took", demo_seconds)
    check("Demo CRM:" in demo_out and "deals" in demo_out, demo_out)


@test
def volumes():
    check(total("crm.company.list") >= 35, "companies")
    check(total("crm.contact.list") >= 90, "contacts")
    check(total("crm.lead.list") >= 150, "leads")
    check(total("crm.deal.list") >= 250, "deals")
    check(ok("crm.activity.list", {"start": 0})["total"] >= 100, "activities")


@test
def several_pipelines_each_with_deals():
    cats = ok("crm.category.list", {"entityTypeId": 2})["result"]["categories"]
    names = [c["name"] for c in cats]
    check(len(cats) >= 3 and "Оптовые продажи" in names and "Сервис" in names, names)
    for c in cats:
        check(total("crm.deal.list", {"CATEGORY_ID": c["id"]}) >= 20, "deals in pipeline", c)


@test
def stages_spread_plausibly():
    for cat in (0, 1, 2):
        cols = ok("voronka.crm.kanban.headers", {"entityTypeId": 2, "categoryId": cat})["result"]
        process = [c["count"] for c in cols if c["SEMANTICS"] == "P"]
        won = sum(c["count"] for c in cols if c["SEMANTICS"] == "S")
        lost = sum(c["count"] for c in cols if c["SEMANTICS"] == "F")
        check(process[0] > process[-1], "more deals in the first stage than in the last", cat, cols)
        check(won > 0 and lost > 0, "some won, some lost", cat, cols)
        check(sum(process) > won + lost, "most deals still in work", cat, cols)
        # the kept counts agree with the deals
        for c in cols[:2]:
            check(total("crm.deal.list", {"STAGE_ID": c["STATUS_ID"]}) == c["count"], c)


@test
def contacts_have_russian_names_phones_and_emails():
    rows = ok("crm.contact.list", {"select": ["ID", "NAME", "SECOND_NAME", "LAST_NAME", "PHONE", "EMAIL",
                                              "COMPANY_ID"]})["result"]
    check(len(rows) == 50, len(rows))
    for r in rows:
        check(CYRILLIC.match(r["NAME"]) and CYRILLIC.match(r["LAST_NAME"]) and CYRILLIC.match(r["SECOND_NAME"]), r)
        check(r["PHONE"] and r["PHONE"][0]["VALUE"].startswith("+7 9"), r)
        check(r["EMAIL"] and re.match(r"^[a-z.]+[0-9]*@[a-z0-9.-]+\.[a-z]+$", r["EMAIL"][0]["VALUE"]), r)
    check(sum(1 for r in rows if r["COMPANY_ID"]) >= 35, "most contacts work at a company")
    # patronymic and surname agree in gender: Иванович Петров / Ивановна Петрова
    for r in rows:
        female = r["SECOND_NAME"].endswith("на")
        check(r["LAST_NAME"].endswith("а") == female, r)


@test
def companies_are_believable():
    rows = all_rows("crm.company.list", {"select": ["ID", "TITLE", "INDUSTRY", "COMPANY_TYPE", "PHONE", "EMAIL"]})
    check(len(rows) >= 35, len(rows))
    industries = {r["INDUSTRY"] for r in rows}
    check(len(industries) >= 5, industries)
    for r in rows:
        check("«" in r["TITLE"] and "»" in r["TITLE"], r)
        check(r["PHONE"][0]["VALUE"].startswith("+7 ("), r)
        check(r["EMAIL"][0]["VALUE"].startswith("info@"), r)


@test
def leads_are_russian_and_spread_over_statuses():
    rows = ok("crm.lead.list", {"select": ["ID", "TITLE", "NAME", "LAST_NAME", "STATUS_ID", "PHONE",
                                           "ASSIGNED_BY_ID"]})["result"]
    for r in rows:
        check(CYRILLIC.match(r["NAME"]) and CYRILLIC.match(r["LAST_NAME"]), r)
        check(r["PHONE"][0]["VALUE"].startswith("+7"), r)
    statuses = {s: total("crm.lead.list", {"STATUS_ID": s}) for s in ("NEW", "IN_PROCESS", "CONVERTED", "JUNK")}
    check(all(n > 0 for n in statuses.values()), statuses)
    check(statuses["NEW"] > statuses["JUNK"], statuses)


@test
def deals_are_linked_to_companies_and_contacts():
    n = total("crm.deal.list")
    with_company = total("crm.deal.list", {">COMPANY_ID": 0})
    check(with_company >= n * 0.6, "deals with a company", with_company, n)
    rows = ok("crm.deal.list", {"filter": {">COMPANY_ID": 0}, "select": ["ID", "COMPANY_ID", "CONTACT_ID",
                                                                          "OPPORTUNITY", "CURRENCY_ID", "TITLE"]})["result"]
    for r in rows[:10]:
        deal = ok("crm.deal.get", {"id": r["ID"]})["result"]
        check(deal["CONTACT_IDS"] and int(deal["CONTACT_ID"]) in deal["CONTACT_IDS"], deal)
        company = ok("crm.company.get", {"id": r["COMPANY_ID"]})["result"]
        check("«" in company["TITLE"], company)
        # the contact works at the deal's company
        contact = ok("crm.contact.get", {"id": deal["CONTACT_ID"]})["result"]
        check(contact["COMPANY_ID"] == r["COMPANY_ID"], contact, r)
    for r in rows:
        check(r["CURRENCY_ID"] == "RUB" and float(r["OPPORTUNITY"]) >= 10000, r)
        check(" — " in r["TITLE"], r)


@test
def deals_belong_to_the_sales_people():
    owners = {}
    for r in all_rows("crm.deal.list", {"select": ["ID", "ASSIGNED_BY_ID", "CREATED_BY_ID"]}):
        owners[r["ASSIGNED_BY_ID"]] = owners.get(r["ASSIGNED_BY_ID"], 0) + 1
        check(r["CREATED_BY_ID"] == r["ASSIGNED_BY_ID"], "made by its manager", r)
    check(len(owners) >= 5 and "1" not in owners, owners)
    for uid in owners:
        u = ok("user.get", {"ID": uid})["result"][0]
        check(CYRILLIC.match(u["NAME"]) and u["EMAIL"].endswith("@demo.voronka.local"), u)


def parse(s):
    return datetime.fromisoformat(s)


@test
def dates_spread_over_six_months():
    first = ok("crm.deal.list", {"order": {"DATE_CREATE": "ASC"}, "select": ["ID", "DATE_CREATE"]})["result"][0]
    last = ok("crm.deal.list", {"order": {"DATE_CREATE": "DESC"}, "select": ["ID", "DATE_CREATE"]})["result"][0]
    now = datetime.now(timezone.utc)
    span = parse(last["DATE_CREATE"]) - parse(first["DATE_CREATE"])
    check(timedelta(days=120) < span < timedelta(days=200), first, last)
    check(parse(last["DATE_CREATE"]) <= now and now - parse(first["DATE_CREATE"]) < timedelta(days=200), first, last)
    # a closed deal changed after it was made, and its stage history follows its life
    won = ok("crm.deal.list", {"filter": {"STAGE_ID": "WON"}, "select": ["ID", "DATE_CREATE", "DATE_MODIFY",
                                                                         "CLOSED"]})["result"][0]
    check(won["CLOSED"] == "Y" and parse(won["DATE_MODIFY"]) > parse(won["DATE_CREATE"]), won)
    hist = ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": won["ID"]},
                                        "order": {"ID": "ASC"}})["result"]["items"]
    check(len(hist) >= 6 and hist[-1]["STAGE_ID"] == "WON", hist)
    times = [parse(h["CREATED_TIME"]) for h in hist]
    check(times == sorted(times) and times[0] < times[-1], times)
    check(abs(times[0] - parse(won["DATE_CREATE"])) < timedelta(minutes=1), times[0], won)


@test
def calls_meetings_and_comments():
    calls = ok("crm.activity.list", {"filter": {"TYPE_ID": 2}, "start": 0})["total"]
    meetings = ok("crm.activity.list", {"filter": {"TYPE_ID": 1}, "start": 0})["total"]
    check(calls > 50 and meetings > 20, calls, meetings)
    planned = ok("crm.activity.list", {"filter": {"COMPLETED": "N"}, "start": 0})["total"]
    check(planned > 10, "planned next steps", planned)
    comments = ok("crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal"}, "start": 0})
    check(comments["total"] > 50, comments["total"])
    c = comments["result"][0]
    check(re.search("[а-я]", c["COMMENT"]), c)


@test
def search_finds_demo_records():
    found = ok("voronka.crm.search", {"query": "ТехноСфера"})["result"]
    check(any(r["type"] == "COMPANY" for r in found), found)


@test
def init_again_adds_nothing():
    before = total("crm.deal.list")
    out = voronka("init", "--data", demo_data, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD,
                  "--demo").stdout
    check("nothing added" in out, out)
    check(total("crm.deal.list") == before)


# ---- voronka seed ----

@test
def seed_command_line():
    p = voronka("seed", "--help")
    check("--deals" in p.stdout, p.stdout)
    p = voronka("seed", "--data", demo_data, check_rc=False)
    check(p.returncode == 2 and "usage" in p.stderr, p.returncode, p.stderr)
    p = voronka("seed", "--data", demo_data, "--deals", "many", check_rc=False)
    check(p.returncode == 2 and "--deals" in p.stderr, p.returncode, p.stderr)
    p = voronka("seed", "--data", tempfile.mkdtemp(prefix="voronka-empty-"), "--deals", "10", check_rc=False)
    check(p.returncode == 1 and "init" in p.stderr, p.returncode, p.stderr)


@test
def seed_2000_deals():
    data = tempfile.mkdtemp(prefix="voronka-seed-")
    voronka("init", "--data", data, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD)
    t = time.time()
    out = voronka("seed", "--data", data, "--deals", "2000").stdout
    check(time.time() - t < 15 and "Seeded 2000 deals" in out, out)
    s = Server(data=data)
    try:
        check(total("crm.deal.list", server=s) == 2000)
        cats = ok("crm.category.list", {"entityTypeId": 2}, s)["result"]["categories"]
        check(len(cats) == 3, cats)
        owners = {r["ASSIGNED_BY_ID"] for r in ok("crm.deal.list", {"select": ["ID", "ASSIGNED_BY_ID"]}, s)["result"]}
        check(len(owners) >= 10, "spread over 20-50 users", owners)
        check(len(ok("user.get", {"start": 0}, s)["result"]) > 0 and ok("user.get", {"start": 0}, s)["total"] >= 20)
        counted = 0
        for c in cats:
            cols = ok("voronka.crm.kanban.headers", {"entityTypeId": 2, "categoryId": c["id"]}, s)["result"]
            counted += sum(col["count"] for col in cols)
            check(cols[0]["count"] > cols[4]["count"] > 0, "early stages fuller", cols)
            # the smallest stage, deal by deal: its kept count and sum are the deals'
            small = min((col for col in cols if col["count"]), key=lambda col: col["count"])
            rows = all_rows("crm.deal.list", {"filter": {"STAGE_ID": small["STATUS_ID"]},
                                              "select": ["ID", "OPPORTUNITY", "CATEGORY_ID"]}, s)
            check(len(rows) == small["count"], small, len(rows))
            check(all(r["CATEGORY_ID"] == str(c["id"]) for r in rows), rows[:3])
            check(abs(sum(float(r["OPPORTUNITY"]) for r in rows) - small["sum"]) < 0.01, small)
        check(counted == 2000, counted)
        # deals have clients, dates over the last year, and are found by search
        d = ok("crm.deal.list", {"filter": {">CONTACT_ID": 0}, "select": ["*"]}, s)["result"][0]
        check(d["COMPANY_ID"] is None or int(d["COMPANY_ID"]) > 0, d)
        got = ok("crm.deal.get", {"id": d["ID"]}, s)["result"]
        check(got["CONTACT_IDS"] == [int(d["CONTACT_ID"])], got)
        first = ok("crm.deal.list", {"order": {"DATE_CREATE": "ASC"}, "select": ["ID", "DATE_CREATE"]}, s)["result"][0]
        check(datetime.now(timezone.utc) - parse(first["DATE_CREATE"]) > timedelta(days=300), first)
        word = d["TITLE"].split()[0]
        found = ok("voronka.crm.search", {"query": word + " " + d["TITLE"].split("№")[-1],
                                          "entityTypeIds": [2]}, s)["result"]
        check(any(str(r["id"]) == d["ID"] for r in found), d["TITLE"], found)
        # a second seed adds to the first
        voronka("seed", "--data", data, "--deals", "500", "--no-search")
        check(total("crm.deal.list", server=s) == 2500)
        cols = ok("voronka.crm.kanban.headers", {"entityTypeId": 2, "categoryId": 0}, s)["result"]
        check(sum(c["count"] for c in cols) == total("crm.deal.list", {"CATEGORY_ID": 0}, s), cols)
    finally:
        s.stop()


run()
