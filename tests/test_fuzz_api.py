"""Property-based fuzzing of every endpoint in our /openapi.json with Schemathesis, positive and negative
data, against a real uvicorn server on 127.0.0.1: no 5xx, and every error is JSON in our shape."""
from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from assistant.web import ServerSettings, create_app
from live_server import LiveServer

MAX_EXAMPLES = 25  # per endpoint and mode; deterministic, so a run is repeatable


@pytest.fixture(scope="module")
def fuzz_target(bot, tmp_path_factory):
    app = create_app(bot.config, ServerSettings(log_path=tmp_path_factory.mktemp("fuzz") / "log.sqlite3",
                                                ui=False, rate_per_minute=0), bot=bot)
    server = LiveServer(app)
    yield server
    server.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_target):
    schema = schemathesis.openapi.from_url(fuzz_target.url + "/openapi.json")
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=MAX_EXAMPLES, deterministic=True, allow_x00=True)
    return schema


# schemathesis's pytest plugin does not run under pytest 9, so each operation's strategy is driven by
# hypothesis here; the cases and the calls are schemathesis's own
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_breaks_a_request(api_schema, fuzz_target, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/ask", "/api/chat", "/api/feedback", "/api/quiz",
                                              "/api/quiz/export", "/v1/chat/completions", "/api/tasks/{n}"}
    calls = []
    for operation in operations:
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            response = case.call(base_url=fuzz_target.url, timeout=60)
            calls.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, case.body, response.text[:500])
            if response.status_code >= 400:
                kind = response.headers.get("content-type") or [""]
                assert kind[0].startswith("application/json"), response.text[:300]
                body = json.loads(response.content)
                assert body["status"] == response.status_code and body["message"] and body["detail"], body

        try:
            check()
        except Unsatisfiable:  # no input to make invalid (GET /api/tasks): nothing negative to send
            assert mode == GenerationMode.NEGATIVE
    print(f"schemathesis {mode.value}: {len(calls)} calls over {len(operations)} operations, "
          f"statuses {sorted(set(calls))}")
    assert len(calls) >= len(operations)
