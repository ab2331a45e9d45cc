"""The plan dimension over real HTTP: GET /api/plans, the ``plan`` field on /api/ask, /api/chat and
/api/quiz (an id not loaded is a 422 listing the loaded ids), ``plan`` on every citation, and the
widget sending its ``data-plan``. The server answers from the session's three plans (``plans_bot``)."""
from __future__ import annotations

import httpx
import pytest

from assistant.web import ServerSettings, create_app
from live_server import LiveServer
from test_browser import _ask, _open_widget, _site, browser  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def http(plans_bot, tmp_path_factory):
    log = tmp_path_factory.mktemp("plans-log") / "log.sqlite3"
    server = LiveServer(create_app(plans_bot.config, ServerSettings(log_path=log, ui=False, rate_per_minute=0),
                                   bot=plans_bot))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.close()


def test_plans_are_listed(http):
    r = http.get("/api/plans")
    assert r.status_code == 200
    plans = r.json()
    assert [(p["id"], p["default"], p["tasks"]) for p in plans] == [
        ("bundled", True, 38), ("jiangling", False, 28), ("qingzhu", False, 19)]
    assert plans[0]["tag"] == "十四五" and "江临" in plans[1]["names"]


def test_ask_with_a_plan_answers_from_it_and_every_citation_says_so(http, plans_bot):
    r = http.post("/api/ask", json={"question": "第12项任务要求什么？", "plan": "qingzhu"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["plan"] == "qingzhu" and body["plans"] == ["qingzhu"] and body["cited_tasks"] == [12]
    text = plans_bot.shelf.members["qingzhu"].plan.text
    for c in body["citations"]:
        assert c["plan"] == "qingzhu" and c["plan_title"].startswith("青渚市科学技术协会")
        assert text[c["start"]:c["end"]] == c["quote"] and c["marker"] == "[qingzhu·任务12]"
    # without the field, the question's own words route it; else the default plan answers
    named = http.post("/api/ask", json={"question": "江临省规划第17项任务讲的是什么？"}).json()
    assert named["plan"] == "jiangling" and {c["plan"] for c in named["citations"]} == {"jiangling"}
    default = http.post("/api/ask", json={"question": "第12项任务要求什么？"}).json()
    assert default["plan"] == "bundled" and default["citations"][0]["marker"] == "[十四五·任务12]"


def test_an_unknown_plan_is_422_listing_the_loaded_ids(http):
    for path, body in (("/api/ask", {"question": "第12项任务要求什么？", "plan": "shanghai"}),
                       ("/api/chat", {"message": "第12项任务要求什么？", "plan": "shanghai"}),
                       ("/api/quiz", {"tasks": [1], "n": 1, "plan": "shanghai"})):
        r = http.post(path, json=body)
        assert r.status_code == 422, (path, r.text)
        error = r.json()
        assert error["error"] == "unknown_plan"
        assert "bundled, jiangling, qingzhu" in error["message"] and "shanghai" in error["detail"]
    r = http.post("/api/ask", json={"question": "第12项任务要求什么？", "plan": 12})
    assert r.status_code == 422


def test_a_chat_pinned_to_a_plan_stays_in_it(http):
    first = http.post("/api/chat", json={"message": "第17项任务讲的是什么？", "plan": "jiangling"}).json()
    assert first["plan"] == "jiangling" and first["cited_tasks"] == [17]
    follow = http.post("/api/chat", json={"message": "它具体怎么落实？", "session_id": first["session_id"],
                                          "plan": "jiangling"}).json()
    assert follow["plan"] == "jiangling" and follow["cited_tasks"][:1] == [17]


def test_a_comparison_over_http_cites_both_plans(http):
    body = http.post("/api/ask", json={"question": "省里的规划和市里的规划对“三长”制的要求有什么不同？"}).json()
    assert body["route"] == "compare" and body["plan"] is None and body["plans"] == ["jiangling", "qingzhu"]
    assert {c["plan"] for c in body["citations"]} == {"jiangling", "qingzhu"}


def test_quiz_with_a_plan(http, plans_bot):
    r = http.post("/api/quiz", json={"tasks": [20], "n": 2, "kinds": ["single", "judge"], "seed": 5,
                                     "plan": "jiangling"})
    assert r.status_code == 200, r.text
    quiz = r.json()
    assert quiz["plan"] == "jiangling" and quiz["items"]
    text = plans_bot.shelf.members["jiangling"].plan.text
    assert all(item["quote"] in text for item in quiz["items"])
    # task 30: the province plan has 28
    r = http.post("/api/quiz", json={"tasks": [30], "n": 2, "plan": "jiangling"})
    assert r.status_code == 422 and "共有28项重点任务" in r.json()["message"]


def test_a_widget_with_data_plan_answers_from_that_plan(browser, http, tmp_path):
    """In Chromium: the same question on a site pinned with data-plan="qingzhu" and on one without."""
    answers = {}
    for pin in ("qingzhu", None):
        folder = tmp_path / (pin or "unpinned")
        folder.mkdir()
        site = _site(folder, f"{http.base_url}/widget.js")
        if pin:
            page_file = folder / "index.html"
            page_file.write_text(page_file.read_text("utf-8").replace(
                'data-title="规划助手"', f'data-title="规划助手" data-plan="{pin}"'), "utf-8")
        page = browser.new_page()
        try:
            page.goto(f"{site.url}/index.html")
            with page.expect_response(lambda r: r.url.endswith("/api/chat")) as sent:
                reply = _ask(_open_widget(page), "第12项任务要求什么？", 1)
            answers[pin] = (sent.value.request.post_data_json, reply.inner_text())
        finally:
            page.close()
            site.close()
    body, text = answers["qingzhu"]
    assert body["plan"] == "qingzhu" and "[qingzhu·任务12]" in text and "建立决策咨询专家库" in text
    body, text = answers[None]
    assert "plan" not in body and "[十四五·任务12]" in text


def _plan_picker(bot, tmp_path):
    from assistant.store import Log
    from assistant.web.ui import build_ui

    demo = build_ui(bot, Log(tmp_path / "ui-log.sqlite3"))
    return next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "plan-pick")


def test_the_ui_shows_a_plan_selector_only_with_several_plans(plans_bot, bot, tmp_path):
    picker = _plan_picker(plans_bot, tmp_path)
    assert picker.visible and [value for _, value in picker.choices] == ["", "bundled", "jiangling", "qingzhu"]
    assert not _plan_picker(bot, tmp_path).visible
