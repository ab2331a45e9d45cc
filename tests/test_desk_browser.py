"""The review desk in a real headless Chromium (as tests/test_browser.py): without the key it is
refused; an admin filters to 👎, tells the right task of a question, and the same question asked
again in the chat UI leads with that task; the usage charts draw. Screenshots go to
$ASSISTANT_SCREENSHOTS (docs/ when refreshing the README's pictures), else to the test's temp dir."""
from __future__ import annotations

import shutil

import httpx
import pytest

from assistant import Assistant
from assistant.config import Config
from assistant.web import ServerSettings, create_app
from live_server import LiveServer
from test_browser import browser, shots  # noqa: F401  (fixtures: Chromium, the screenshot folder)

KEY = "desk-key-0123456789"
WRONG = "年轻科学家的国际聚会，科协有没有牵头办"  # led by task 28 today; the gold (everyday_dev) is task 16


@pytest.fixture(scope="module")
def desk(index_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("desk-home")
    shutil.copytree(index_home / "index", home / "index")
    bot = Assistant(Config(home=home, progress=False))
    app = create_app(bot.config, ServerSettings(log_path=home / "log.sqlite3", rate_per_minute=0,
                                                admin_keys={"张三": KEY}), bot=bot)
    server = LiveServer(app)
    with httpx.Client(base_url=server.url, timeout=60) as http:  # what users asked, one with a 👎
        asked = {q: http.post("/api/ask", json={"question": q}).json()
                 for q in (WRONG, "第19项任务要求什么？", "明天北京天气怎么样？", "哪些任务涉及乡村振兴？")}
        assert http.post("/api/feedback", json={"answer_id": asked[WRONG]["id"], "rating": "down"}).status_code == 200
        assert http.post("/api/feedback", json={"answer_id": asked["第19项任务要求什么？"]["id"], "rating": "up"}).status_code == 200
    server.asked = asked
    yield server
    server.close()


def test_without_the_key_the_desk_is_refused(browser, desk):  # noqa: F811
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(desk.url + "/admin")
    assert page.locator("#login").is_visible() and not page.locator("#desk").is_visible()
    page.fill("#key", "not-the-key-000")
    page.click("#enter")
    page.locator("#refused").filter(has_text="无法进入审阅台").wait_for(timeout=10_000)
    assert "管理密钥" in page.inner_text("#refused")
    assert not page.locator("#desk").is_visible() and page.locator("tr.qrow").count() == 0
    status = page.evaluate("fetch('/api/admin/questions').then(r => r.status)")  # the page's own origin, no key
    assert status == 401
    page.close()


def test_an_admin_filters_to_thumbs_down_annotates_and_the_chat_then_leads_with_the_task(
        browser, desk, shots, plan):  # noqa: F811
    assert desk.asked[WRONG]["cited_tasks"][0] == 28  # wrong today
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(desk.url + "/admin")
    page.fill("#key", KEY)
    page.click("#enter")
    page.locator("tr.qrow").first.wait_for(timeout=15_000)
    assert page.locator("tr.qrow").count() == 4 and "张三" in page.inner_text("#who")
    page.check("#f-down")
    page.click("#apply")
    page.locator("#count").filter(has_text="共 1 条").wait_for(timeout=10_000)
    rows = page.locator("tr.qrow")
    assert rows.count() == 1 and rows.first.locator(".q").inner_text() == WRONG
    rows.first.click()
    assert page.inner_text("#d-answer") == desk.asked[WRONG]["text"]
    marks = page.locator("#d-plan mark").all_inner_texts()  # the quoted sentences, highlighted in the plan text
    assert marks and all(m in plan.text for m in marks) and any(m in plan.task(28).text for m in marks)
    page.select_option("#pick", ["task:16"])
    page.screenshot(path=str(shots / "desk.png"))
    page.click("#act-tasks")
    page.locator("#status").filter(has_text="已保存标注").wait_for(timeout=15_000)
    assert "张三" in page.inner_text("#d-reviews") and "任务16" in page.inner_text("#d-reviews")
    assert errors == []

    with httpx.Client(base_url=desk.url, headers={"X-API-Key": KEY}) as http:
        (ann,) = http.get("/api/admin/annotations").json()
        assert ann["tasks"] == [16] and ann["author"] == "张三" and ann["answer_id"] == desk.asked[WRONG]["id"]

    chat = browser.new_page(viewport={"width": 1280, "height": 860})
    chat.goto(desk.url + "/")
    chat.locator("#question textarea").fill(WRONG)
    chat.locator("#question textarea").press("Enter")
    chips = chat.locator("#citations label")
    chips.first.wait_for(timeout=30_000)
    assert chips.first.inner_text().startswith("[任务16]"), chips.all_inner_texts()
    assert "[任务16]" in chat.locator("#chat .bot-row").last.inner_text()
    assert "任务16" in chat.locator("#viewer h3").inner_text()
    chat.close()

    # the chat's answer is logged with its route: the desk shows it was answered by the annotation
    page.uncheck("#f-down")
    page.fill("#f-text", WRONG)
    page.click("#apply")
    page.locator("#count").filter(has_text="共 2 条").wait_for(timeout=10_000)
    assert "标注" in page.locator("tr.qrow").first.inner_text()
    page.close()


def test_the_usage_charts_draw_with_their_numbers(browser, desk, shots):  # noqa: F811
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(desk.url + "/admin")
    page.fill("#key", KEY)
    page.click("#enter")
    page.locator("tr.qrow").first.wait_for(timeout=15_000)
    page.click("#tabs button[data-tab=stats]")
    for plot in ("days", "tasks", "parts", "topics"):
        page.locator(f"#plot-{plot} .main-svg").first.wait_for(timeout=20_000)
    with httpx.Client(base_url=desk.url, headers={"X-API-Key": KEY}) as http:
        stats = http.get("/api/admin/stats").json()
    assert page.inner_text("#n-questions") == str(stats["questions"])
    assert page.locator("#chart-tasks .numbers tbody tr").count() == len(stats["tasks"])
    assert "明天北京天气怎么样？" in page.inner_text("#chart-topics .numbers")
    with page.expect_download() as download:
        page.click("#chart-tasks button.csv")
    assert download.value.suggested_filename == "tasks.csv"
    assert open(download.value.path(), encoding="utf-8-sig").readline().startswith("task,label,count")
    page.screenshot(path=str(shots / "desk-charts.png"), full_page=True)
    assert errors == []
    page.close()
