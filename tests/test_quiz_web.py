"""Quiz generation over HTTP (/api/quiz, /api/quiz/export) and in the web UI's 出题 tab (headless Chromium)."""
from __future__ import annotations

import io
import re

import httpx
import openpyxl
import pytest

from assistant.web import ServerSettings, create_app
from live_server import LiveServer
from quiz_formats import parse_gift
from test_browser import browser, shots  # noqa: F401  (fixtures: Chromium, the screenshot folder)


@pytest.fixture(scope="module")
def live(bot, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "log.sqlite3"
    server = LiveServer(create_app(bot.config, ServerSettings(log_path=log, rate_per_minute=0), bot=bot))
    yield server
    server.close()


def test_quiz_api_items_quote_the_cited_task_and_repeat_with_a_seed(live, plan):
    body = {"tasks": [19], "n": 5, "kinds": ["single", "judge", "blank"], "seed": 42}
    quiz = httpx.post(live.url + "/api/quiz", json=body, timeout=30).json()
    assert len(quiz["items"]) == 5 and {i["kind"] for i in quiz["items"]} <= {"single", "judge", "blank"}
    for item in quiz["items"]:
        assert item["task"] == 19 and item["quote"] in plan.task(19).text
    again = httpx.post(live.url + "/api/quiz", json=body, timeout=30).json()
    assert again["items"] == quiz["items"]


def test_quiz_export_formats_over_http(live):
    body = {"part": "六", "n": 6, "seed": 7}
    gift = httpx.post(live.url + "/api/quiz/export?format=gift", json=body, timeout=30)
    assert gift.status_code == 200 and "attachment" in gift.headers["content-disposition"]
    assert "{" in gift.text and "::" in gift.text
    xlsx = httpx.post(live.url + "/api/quiz/export?format=xlsx", json=body, timeout=30)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 7  # a header and six items
    md = httpx.post(live.url + "/api/quiz/export?format=md", json=body, timeout=30).text
    assert "答案" in md


def test_quiz_export_multi_scoring_over_http(live):
    body = {"part": "六", "n": 5, "kinds": ["multi"], "seed": 7}
    weights = {}
    for scoring in ("all-or-nothing", "partial"):
        r = httpx.post(live.url + f"/api/quiz/export?format=gift&multi_scoring={scoring}", json=body, timeout=30)
        weights[scoring] = [[w for _, w, _ in q["answers"]] for q in parse_gift(r.text)]
    assert len(weights["partial"]) == 5
    assert all(sum(ws) == pytest.approx(0, abs=0.01) for ws in weights["partial"])  # ticking all scores 0
    assert all(min(ws) == -100 for ws in weights["all-or-nothing"])
    default = httpx.post(live.url + "/api/quiz/export?format=gift", json=body, timeout=30)
    assert [[w for _, w, _ in q["answers"]] for q in parse_gift(default.text)] == weights["all-or-nothing"]
    r = httpx.post(live.url + "/api/quiz/export?format=gift&multi_scoring=half", json=body, timeout=30)
    assert r.status_code == 422 and r.json()["message"]


@pytest.mark.parametrize("body, query", [
    ({"tasks": [39]}, ""),
    ({"part": "十一"}, ""),
    ({"tasks": [19], "kinds": ["essay"]}, ""),
    ({"tasks": [19], "n": 500}, ""),
    ({"tasks": [19]}, "?format=docx"),
])
def test_bad_quiz_requests_are_422_in_chinese(live, body, query):
    path = "/api/quiz/export" + query if query else "/api/quiz"
    r = httpx.post(live.url + path, json=body, timeout=30)
    assert r.status_code == 422 and r.json()["message"] and "Traceback" not in r.text


def test_quiz_tab_previews_and_offers_every_format(browser, live, shots):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live.url + "/")
    page.get_by_role("tab", name="出题").click()
    page.locator("#quiz-tasks input").click()
    page.get_by_role("option", name="任务19 实施平战结合科普能力提升工程").click()
    page.keyboard.press("Escape")
    page.locator("#quiz-seed input").fill("42")
    page.get_by_label("按选对的项给分（全选得0分）").check()
    page.locator("#quiz-go").click()
    page.wait_for_function("document.querySelector('#quiz-preview').innerText.includes('答案与解析')",
                           timeout=30_000)
    preview = page.locator("#quiz-preview").inner_text()
    assert "任务19" in preview and "种子 42" in preview
    assert preview.count("所选范围只能出") <= 1  # a short quiz says so once
    links = page.locator("#quiz-files a")
    links.first.wait_for(timeout=10_000)
    names = " ".join(links.nth(i).get_attribute("href") or "" for i in range(links.count()))
    for ext in ("md", "json", "csv", "xlsx", "gift.txt", "aiken.txt"):
        assert f"quiz-42.{ext}" in names, names
    md = httpx.get(next(links.nth(i).get_attribute("href") for i in range(links.count())
                        if links.nth(i).get_attribute("href").endswith(".md")), timeout=10)
    if md.request.url.host != "127.0.0.1":
        pytest.fail("download link left loopback")
    assert md.status_code == 200 and "答案与解析" in md.text
    gift = httpx.get(next(links.nth(i).get_attribute("href") for i in range(links.count())
                          if links.nth(i).get_attribute("href").endswith(".gift.txt")), timeout=10)
    multis = [q for q in parse_gift(gift.text) if q["type"] == "multichoice_multiple"]
    assert multis and all(sum(w for _, w, _ in q["answers"]) == pytest.approx(0, abs=0.01) for q in multis)  # partial
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shots / "ui-quiz.png"))
    page.close()


def test_a_blank_seed_is_a_fresh_random_one_shown_after_generation(browser, live):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live.url + "/")
    page.get_by_role("tab", name="出题").click()
    seed_box = page.locator("#quiz-seed textarea, #quiz-seed input").first
    assert seed_box.input_value() == ""  # not pre-filled with 0: the default is "random"
    page.locator("#quiz-tasks input").click()
    page.get_by_role("option", name="任务19 实施平战结合科普能力提升工程").click()
    page.keyboard.press("Escape")
    seeds = []
    for _ in range(2):
        page.locator("#quiz-go").click()
        page.wait_for_function(
            "([n]) => { const m = document.querySelector('#quiz-preview').innerText.match(/种子 (\\d+)/g);"
            " return m && !n.includes(m[0]); }", arg=[[f"种子 {s}" for s in seeds]], timeout=30_000)
        seeds.append(int(re.search(r"种子 (\d+)", page.locator("#quiz-preview").inner_text()).group(1)))
    assert seeds[0] != seeds[1] and seeds[0] != 0
    assert seed_box.input_value() == ""  # still random for the next trainer
    page.close()


def test_quiz_tab_on_a_phone(browser, live, shots):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(live.url + "/")
    page.get_by_role("tab", name="出题").click()
    page.locator("#quiz-tasks input").click()
    page.get_by_role("option", name="任务19 实施平战结合科普能力提升工程").click()
    page.keyboard.press("Escape")
    page.locator("#quiz-seed input").fill("42")
    page.locator("#quiz-go").click()
    page.wait_for_function("document.querySelector('#quiz-preview').innerText.includes('答案与解析')",
                           timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.locator("#quiz-preview").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shots / "ui-quiz-phone.png"))
    context.close()
