"""Replays the worked examples of docs/api.md and docs/openapi.yaml against the real clipgend
with the shipped models, so the docs stay true.

Both documents carry the same request and (shortened) answer for every tool route; this test
checks that they agree with each other, that the daemon answers each request with 200, and that
the answer has the documented shape: the same fields, seed, model, warnings and number of clips,
the same grid and tempo, and note objects with the same fields. Note values depend on the trained
weights and are only checked where the tool promises them whatever the model (Continue keeps the
input, Groove keeps every hit, Drumify answers drums).

Run by ctest (labels integration, model) with CLIPGEN_DAEMON and CLIPGEN_MODELS set. To see the
daemon's current answers when refreshing the docs:
    CLIPGEN_DAEMON=build/bin/clipgend /usr/bin/python3 tests/http/doc_examples_test.py --print
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
API_MD = os.path.join(ROOT, "docs", "api.md")
OPENAPI = os.path.join(ROOT, "docs", "openapi.yaml")
TOOLS = ["generate", "continue", "interpolate", "groove", "drumify"]
SEQUENCE_FIELDS_EQUAL = ["tempos", "timeSignatures", "quantizationInfo", "totalQuantizedSteps"]


def markdown_examples(text):
    """{tool: (request, response)} from the '### `POST /v1/<tool>`' sections: first json block
    is the request, second the answer."""
    out = {}
    sections = re.split(r"^### `POST /v1/(\w+)`\s*$", text, flags=re.M)
    for name, body in zip(sections[1::2], sections[2::2]):
        body = body.split("\n## ")[0]
        blocks = re.findall(r"```json\n(.*?)```", body, flags=re.S)
        assert len(blocks) >= 2, f"api.md: POST /v1/{name} needs a request and an answer block"
        out[name] = (json.loads(blocks[0]), json.loads(blocks[1]))
    return out


def openapi_examples(doc):
    out = {}
    for path, item in doc["paths"].items():
        post = item.get("post")
        if not post:
            continue
        name = path.rsplit("/", 1)[-1]
        req = post["requestBody"]["content"]["application/json"]["examples"]["worked"]["value"]
        ans = post["responses"]["200"]["content"]["application/json"]["examples"]["worked"]
        out[name] = (req, ans["value"])
    return out


class Daemon:
    def __init__(self, binary, models):
        home = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"clipgen-docs-{os.getpid()}")
        os.makedirs(home, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIPGEN_", "XDG_"))}
        env["HOME"] = home
        self.proc = subprocess.Popen([binary, "--port", "0", "--models", models],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"clipgend did not start: {line!r}")
        self.url = match.group(1)

    def call(self, method, route, body=None, timeout=120):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + route, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def wait_ready(self):
        for _ in range(600):
            try:
                status, _ = self.call("GET", "/v1/health", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("clipgend never became healthy")

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def check_answer(tool, request, example, actual):
    assert set(actual) == set(example), "fields of the answer"
    for key in ["seed", "model", "warnings"]:
        assert actual[key] == example[key], key
    assert len(actual["sequences"]) == len(example["sequences"]), "number of clips"
    for i, (shown, got) in enumerate(zip(example["sequences"], actual["sequences"])):
        where = f"sequences[{i}]"
        assert set(got) == set(shown), f"{where}: fields"
        for key in SEQUENCE_FIELDS_EQUAL:
            assert got[key] == shown[key], f"{where}.{key}"
        assert got["totalTime"] == pytest.approx(shown["totalTime"], abs=1e-3), where
        if got["notes"]:
            for j, note in enumerate(shown["notes"]):
                assert set(note) == set(got["notes"][0]), f"{where}.notes[{j}]: fields"
        if tool == "continue":
            for j, given in enumerate(request["input"]["notes"]):
                kept = got["notes"][j]
                for key in ["pitch", "velocity", "startTime", "endTime"]:
                    assert kept[key] == pytest.approx(given[key], abs=1e-6), \
                        f"{where}.notes[{j}].{key}: the input is kept"
        if tool == "groove":
            given = [(n["pitch"], n["quantizedStartStep"]) for n in request["input"]["notes"]]
            played = [(n["pitch"], n["quantizedStartStep"]) for n in got["notes"]]
            assert played == given, f"{where}: Groove keeps every hit"
        if tool in ("drumify", "groove") or request.get("kind") == "drums":
            assert all(n["isDrum"] for n in got["notes"]), f"{where}: drums"


@pytest.fixture(scope="module")
def daemon():
    binary = os.environ.get("CLIPGEN_DAEMON")
    models = os.environ.get("CLIPGEN_MODELS", os.path.join(ROOT, "models", "shipped"))
    if not binary or not os.path.exists(binary):
        pytest.skip("CLIPGEN_DAEMON does not name a built clipgend")
    if not os.path.isdir(models):
        pytest.skip(f"no models folder at {models}")
    d = Daemon(binary, models)
    try:
        d.wait_ready()
        yield d
    finally:
        d.close()


def load_docs():
    with open(API_MD, encoding="utf-8") as f:
        md = markdown_examples(f.read())
    with open(OPENAPI, encoding="utf-8") as f:
        oa = openapi_examples(yaml.safe_load(f))
    return md, oa


def test_both_documents_show_the_same_example_for_every_tool():
    md, oa = load_docs()
    assert sorted(md) == sorted(TOOLS)
    assert sorted(oa) == sorted(TOOLS)
    for tool in TOOLS:
        assert md[tool] == oa[tool], f"api.md and openapi.yaml differ for {tool}"


@pytest.mark.parametrize("tool", TOOLS)
def test_example_replays_against_the_daemon(daemon, tool):
    md, _ = load_docs()
    request, example = md[tool]
    status, actual = daemon.call("POST", "/v1/" + tool, request)
    assert status == 200, actual
    check_answer(tool, request, example, actual)
    # The documented seed reproduces the answer.
    status, again = daemon.call("POST", "/v1/" + tool, request)
    assert status == 200
    assert again["sequences"] == actual["sequences"]


if __name__ == "__main__":
    if "--print" in sys.argv:
        d = Daemon(os.environ["CLIPGEN_DAEMON"],
                   os.environ.get("CLIPGEN_MODELS", os.path.join(ROOT, "models", "shipped")))
        try:
            d.wait_ready()
            md, _ = load_docs()
            for tool in TOOLS:
                print(f"== {tool}")
                print(json.dumps(d.call("POST", "/v1/" + tool, md[tool][0])[1]))
        finally:
            d.close()
    else:
        sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
