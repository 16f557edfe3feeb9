"""An officer's evening in the browser: the worker screens real traffic and holds the mule
chain's forwarding transfers itself, the officer signs in, works the queue, releases one
payment, confirms fraud on another and sees the money followed into the transfers already
held; a supervisor then finds the receiving account on the block list. Screenshots go to
artifacts/e2e/."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.e2e.conftest import SCREENSHOTS, ReviewProcess, screener
from tests.integration.api.support import http, reason, seed_hold
from tests.integration.conftest import Deployment

LAPTOP = {"width": 1440, "height": 900}


def shot(page: Page, name: str, full: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if full:  # the detail pane scrolls: grow the window so all of it is in the picture
        size = page.viewport_size or LAPTOP
        height = page.evaluate("document.querySelector('#detail').scrollHeight") + 120
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        page.set_viewport_size(size)
    else:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def sign_in(page: Page, base_url: str, token: str) -> None:
    page.goto(base_url + "/")
    expect(page.locator("#login-view")).to_be_visible()
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#queue-view")).to_be_visible()


def open_hold(page: Page, hold_id: str) -> None:
    page.click(f'#queue-table tr[data-hold="{hold_id}"]')
    expect(page.locator(f'#detail article[data-hold="{hold_id}"]')).to_be_visible()


def play_evening(deployment: Deployment) -> dict[str, Any]:
    """Traffic for the worker: a "1414" evening with an online loan, and a mule chain."""
    now = datetime.now(factories.ALMATY).replace(microsecond=0)
    victim, loan_victim, shopper = (factories.customer_id() for _ in range(3))
    a, b, c, d, shop = (factories.new_kz_iban() for _ in range(5))
    events: list[tuple[str, dict[str, Any]]] = []

    def at(minutes_ago: int) -> str:
        return (now - timedelta(minutes=minutes_ago)).isoformat()

    for customer in (victim, loan_victim):
        events.append(
            (
                "customer_events",
                factories.customer_event("sms_code_sent", customer_id=customer, occurred_at=at(50)),
            )
        )
        events.append(
            (
                "customer_events",
                factories.customer_event(
                    "login", customer_id=customer, new_device=True, occurred_at=at(47)
                ),
            )
        )
    loan = factories.loan(
        customer_id=loan_victim,
        amount="9000000.00",
        channel="online",
        lender_kind="bank",
        occurred_at=at(45),
        contract_signed_at=at(45),
    )
    events.append(("loans", loan))
    fraud = factories.transfer(
        customer_id=victim,
        sender_account=a,
        receiver_account=b,
        amount="1800000.00",
        occurred_at=at(40),
    )

    def sent_on(sender: str, receiver: str, amount: str, minutes_ago: int) -> dict[str, Any]:
        """A mule sends the money on to someone it never paid before; mules are young
        (20: the droppers' usual recruits are 18-24)."""
        return factories.transfer(
            customer_id=factories.new_iin(birth=date.today() - timedelta(days=365 * 20 + 40)),
            sender_account=sender,
            receiver_account=receiver,
            amount=amount,
            new_beneficiary=True,
            occurred_at=at(minutes_ago),
        )

    b_c = sent_on(b, c, "1750000.00", 30)
    c_d = sent_on(c, d, "1700000.00", 20)
    purchase = factories.transfer(
        customer_id=shopper,
        sender_account=factories.new_kz_iban(),
        receiver_account=shop,
        amount="320000.00",
        occurred_at=at(15),
    )
    events += [
        ("transfers", fraud),
        ("transfers", b_c),
        ("transfers", c_d),
        ("transfers", purchase),
    ]
    for role, event in events:
        deployment.send(role, event)
    screened = [loan, fraud, b_c, c_d, purchase]
    deployment.wait_for(
        "the worker's decisions",
        lambda: all(deployment.decisions_for(e["event_id"]) for e in screened)
        and bool(deployment.hold_changes_for(loan["event_id"])),
        timeout=120,
    )
    # The worker holds the loan (cooling period) and the two forwarding transfers (mule
    # evidence on the sending account); no transfer rule of the worker holds these two
    # yet: their holds are written as such a rule's would be, through the worker's own
    # Redis adapter.
    for transfer, score, rules in (
        (fraud, 85, [reason("safe_account", 70), reason("new_device_transfer", 50)]),
        (purchase, 62, [reason("large_new_beneficiary", 62)]),
    ):
        seed_hold(
            deployment.settings,
            hold_id=transfer["event_id"],
            customer_id=transfer["customer_id"],
            sender_account=transfer["sender_account"],
            receiver_account=transfer["receiver_account"],
            amount=transfer["amount"],
            score=score,
            reasons=rules,
            created_at=datetime.fromisoformat(transfer["occurred_at"]) + timedelta(seconds=1),
            write_decision=False,
        )
    return {
        "loan": loan,
        "fraud": fraud,
        "b_c": b_c,
        "c_d": c_d,
        "purchase": purchase,
        "b": b,
        "c": c,
        "d": d,
    }


def test_an_officer_works_the_queue_in_the_browser(
    deployment: Deployment, review_process: ReviewProcess, browser: Browser
) -> None:
    deployment.start_worker()
    evening = play_evening(deployment)
    officer = screener(deployment.env, "users", "add", "aigerim", "--role", "officer").splitlines()[
        -1
    ]
    supervisor = screener(
        deployment.env, "users", "add", "dana", "--role", "supervisor"
    ).splitlines()[-1]
    base = review_process.base_url
    fraud, purchase, loan = evening["fraud"], evening["purchase"], evening["loan"]

    context = browser.new_context(viewport=LAPTOP, locale="ru-RU")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(base + "/")
    expect(page.locator("#login-view")).to_be_visible()
    shot(page, "01-login")
    page.fill("#token", "not-a-token")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).not_to_be_empty()
    sign_in(page, base, officer)
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["screener_session"]["httpOnly"] is True
    assert cookies["screener_session"]["sameSite"] == "Strict"

    rows = page.locator("#queue-table tbody tr[data-hold]")
    # The loan, the victim's transfer, the purchase, and the mule chain's two forwarding
    # transfers, which the worker held itself: B sent on almost all it had just received
    # from a payer who had just got a 1414 code, C almost all it had from B, each to a new
    # payee from a young holder's account.
    expect(rows).to_have_count(5)
    onward = [evening["b_c"], evening["c_d"]]
    for transfer in onward:
        decision = deployment.decisions_for(transfer["event_id"])[0]
        assert decision["verdict"] == "hold", decision
        assert "mule_evidence" in {r["rule"] for r in decision["reasons"]}, decision
        row = page.locator(f'#queue-table tr[data-hold="{transfer["event_id"]}"]')
        expect(row.locator(".rule", has_text="mule_evidence")).to_have_count(1)
    # Most urgent first: highest score, then the oldest. (The worker's own rules may have
    # held a transfer first, with their own score, so the order is read from Redis.)
    held = [loan, fraud, purchase, *onward]
    stored = {
        e["event_id"]: deployment.redis.hgetall(f"{deployment.prefix}hold:{e['event_id']}")
        for e in held
    }
    expected = sorted(
        stored, key=lambda i: (-int(stored[i][b"score"]), stored[i][b"created_at"].decode())
    )
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.hold)") == expected
    expect(page.locator("#whoami")).to_contain_text("aigerim")
    shot(page, "02-queue-ru")

    # Release the purchase: the customer confirmed it on the phone.
    open_hold(page, purchase["event_id"])
    page.click("#claim")
    expect(page.locator("#unclaim")).to_be_visible()
    page.fill("#action-note", "Клиент подтвердил покупку по телефону")
    page.click("#add-note")
    expect(page.locator("#detail")).to_contain_text("Клиент подтвердил покупку по телефону")
    page.fill("#action-note", "Клиент подтвердил покупку")
    page.click("#release")
    expect(page.locator("#detail .detail-head .pill")).to_have_text("Отпущен")
    shot(page, "03-released", full=True)
    expect(rows).to_have_count(4)

    # The loan: a legal cooling period; an officer cannot lift it.
    open_hold(page, loan["event_id"])
    expect(page.locator("#release")).to_be_disabled()
    expect(page.locator("#detail .banner.warn")).to_be_visible()
    expect(page.locator("#detail .timeline")).to_contain_text("SMS")
    shot(page, "04-cooling-period")

    # The fraud: the timeline shows the 1414 code and the new device before the transfer.
    open_hold(page, fraud["event_id"])
    timeline = page.locator("#detail .timeline li")
    expect(timeline).to_have_count(3)
    expect(page.locator("#detail .timeline li.held-event")).to_have_count(1)
    # The money's path before anyone decides: the held transfer and where the money went on.
    edges = page.locator("#money-path g.edge")
    expect(edges).to_have_count(3)
    observed = page.locator('#money-path g.edge[data-state="observed"]')
    expect(observed).to_have_count(2)
    # ... and that the worker already holds both onward transfers.
    expect(observed.and_(page.locator('[data-hold-status="held"]'))).to_have_count(2)
    page.fill("#action-note", "Клиенту звонили из «службы безопасности банка»")
    page.click("#confirm-fraud")
    expect(page.locator("#detail .detail-head .pill")).to_have_text("Мошенничество")
    steps = page.locator("#follow-steps tbody tr")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text(evening["b"] + " → " + evening["c"])
    expect(steps.nth(1)).to_contain_text(evening["c"] + " → " + evening["d"])
    expect(page.locator("#receiver-blocked")).to_be_visible()
    expect(page.locator("#follow-receiver")).to_contain_text(evening["b"])
    shot(page, "05-confirmed-fraud-ru", full=True)

    page.select_option("#lang", "en")
    expect(page.locator("#detail")).to_contain_text("Follow the money")
    shot(page, "06-confirmed-fraud-en", full=True)
    page.select_option("#lang", "kk")
    expect(page.locator("#detail")).to_contain_text("Ақшаның ізімен")
    shot(page, "07-confirmed-fraud-kk")

    # After the confirmation the graph shows what follow-the-money proposed: B blocked at
    # once, the onward transfers waiting for a supervisor (four eyes).
    page.select_option("#lang", "en")
    expect(page.locator('#money-path g.edge[data-state="proposed"]')).to_have_count(2)
    account = '#money-path g.account[data-account="{}"]'
    expect(page.locator(account.format(evening["b"]))).to_have_attribute("data-blocked", "1")
    expect(page.locator(account.format(evening["c"]))).to_have_attribute("data-blocked", "0")
    page.locator("#money-path").scroll_into_view_if_needed()
    page.locator("#money-path").screenshot(path=str(SCREENSHOTS / "07b-money-path-proposed.png"))
    approved = http(
        "POST",
        f"{base}/api/holds/{fraud['event_id']}/follow/approve",
        token=supervisor,
        json_body={"note": "мулы, согласовано"},
    )
    assert approved.status == 200, approved.text
    # Approval blocks C and D; the holds it would have created were there already.
    assert [(s["state"], s["hold"]) for s in approved.body["hold"]["follow"]["steps"]] == [
        ("approved", "existed"),
        ("approved", "existed"),
    ], approved.text
    # The page shows the change once reopened: through the followed hold and back.
    steps.nth(0).locator("a").click()
    followed = f'#detail article[data-hold="{evening["b_c"]["event_id"]}"]'
    expect(page.locator(followed)).to_be_visible()
    page.locator("#detail .banner.bad a").first.click()
    expect(page.locator(f'#detail article[data-hold="{fraud["event_id"]}"]')).to_be_visible()
    expect(page.locator('#money-path g.edge[data-state="approved"]')).to_have_count(2)
    # Both onward transfers were held already (by the worker), not by follow-the-money.
    for hop in range(2):
        expect(steps.nth(hop).locator("a")).to_contain_text("(Held)")
    for hop in ("c", "d"):
        expect(page.locator(account.format(evening[hop]))).to_have_attribute("data-blocked", "1")
    page.locator("#money-path").scroll_into_view_if_needed()
    page.locator("#money-path").screenshot(path=str(SCREENSHOTS / "07c-money-path-approved.png"))
    shot(page, "07d-confirmed-fraud-approved-en", full=True)
    page.select_option("#lang", "kk")

    # A followed transfer: held by the worker's mule rule, and it says which confirmed
    # fraud the money was traced from.
    steps.nth(0).locator("a").click()
    expect(
        page.locator(f'#detail article[data-hold="{evening["b_c"]["event_id"]}"]')
    ).to_be_visible()
    expect(page.locator("#detail .banner.bad").first).to_contain_text(fraud["event_id"])
    expect(page.locator("#detail .reasons")).to_contain_text("mule_evidence")
    shot(page, "08-followed-transfer-kk", full=True)
    page.select_option("#lang", "ru")
    expect(rows).to_have_count(3)  # the loan and the two held onward transfers
    shot(page, "09-queue-after")

    page.click("#logout")
    expect(page.locator("#login-view")).to_be_visible()

    # The supervisor finds B on the block list.
    sign_in(page, base, supervisor)
    page.click('#tabs button[data-tab="blocklist"]')
    page.fill("#bl-lookup input[name=account]", evening["b"])
    page.click("#bl-lookup button[type=submit]")
    expect(page.locator("#bl-result")).to_contain_text("confirmed_fraud")
    page.fill(
        "#bl-import textarea",
        "account,reason,ttl_seconds\nKZ31601A000000000001,AFC list,86400\nonly-one-field\n",
    )
    page.click("#bl-import button[type=submit]")
    expect(page.locator("#bl-import-result")).to_contain_text("1")
    shot(page, "10-blocklist-supervisor")
    page.click('#tabs button[data-tab="audit"]')
    expect(page.locator("#audit-all")).to_contain_text("aigerim")
    shot(page, "11-audit-supervisor")

    # Each rule's precision from the officers' verdicts of the last 30 days: the released
    # purchase counts against its rule, the confirmed fraud for the victim's rules.
    page.click('#tabs button[data-tab="rules"]')
    table = page.locator("#rules-precision-table")
    expect(table.locator('tr[data-rule="safe_account"] .precision')).to_have_text("100%")
    expect(table.locator('tr[data-rule="large_new_beneficiary"] .precision')).to_have_text("0%")
    served = http("GET", f"{base}/api/rules/precision?days=30", token=supervisor)
    assert served.status == 200, served.text
    assert {r["rule"] for r in served.body["rules"]} >= {"safe_account", "large_new_beneficiary"}
    expect(table.locator("tbody tr")).to_have_count(len(served.body["rules"]))
    for rule in served.body["rules"]:
        row = table.locator(f'tr[data-rule="{rule["rule"]}"]')
        expect(row.locator(".confirmed")).to_have_text(str(rule["confirmed_fraud"]))
        expect(row.locator(".released")).to_have_text(str(rule["released"]))
        expect(row.locator(".precision")).to_have_text(f"{round(rule['precision'] * 100)}%")
    expect(page.locator("#rules-period")).to_contain_text("30")
    shot(page, "11b-rule-precision")
    assert errors == [], errors

    # The bank learns every change on screener.holds.
    def changed(hold_id: str, status: str) -> bool:
        return any(c["status"] == status for c in deployment.hold_changes_for(hold_id))

    deployment.wait_for(
        "the officer's changes on screener.holds",
        lambda: changed(purchase["event_id"], "released")
        and changed(fraud["event_id"], "confirmed_fraud")
        and changed(evening["b_c"]["event_id"], "held")
        and changed(evening["c_d"]["event_id"], "held"),
    )
    [released] = [
        c for c in deployment.hold_changes_for(purchase["event_id"]) if c["status"] == "released"
    ]
    assert released["changed_by"] == "aigerim" and released["note"] == "Клиент подтвердил покупку"
    context.close()


def test_the_page_refuses_what_a_viewer_may_not_do(
    deployment: Deployment, review_process: ReviewProcess, browser: Browser
) -> None:
    hold = seed_hold(deployment.settings, score=70)
    viewer = screener(deployment.env, "users", "add", "auditor", "--role", "viewer").splitlines()[
        -1
    ]
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, review_process.base_url, viewer)
    page.select_option("#lang", "en")
    open_hold(page, hold.hold_id)
    expect(page.locator("#release")).to_have_count(0)
    expect(page.locator("#confirm-fraud")).to_have_count(0)
    page.click('#tabs button[data-tab="blocklist"]')
    expect(page.locator("#bl-change")).to_be_hidden()
    # Even a hand-made request from the page's own origin is refused by the server.
    status = page.evaluate(
        """async (id) => {
            const me = await (await fetch('/api/me')).json();
            const r = await fetch('/api/holds/' + id + '/release', {method: 'POST',
              headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf}, body: '{}'});
            return r.status;
        }""",
        hold.hold_id,
    )
    assert status == 403
    shot(page, "12-viewer-en")
    context.close()
