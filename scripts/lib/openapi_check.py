#!/usr/bin/env python3
"""Checks Pagewire's OpenAPI document and recorded API responses against it.

usage: openapi_check.py SPEC.json RESPONSES.jsonl [--require-coverage]

1. The document must validate as OpenAPI 3.1 (openapi-spec-validator).
2. Every recorded response (one JSON object per line: method, path, status, content_type, body)
   must belong to a documented operation and status, with a documented media type, and a JSON
   body must validate against the documented schema (JSON Schema 2020-12, formats checked).
3. With --require-coverage, every documented operation must appear among the recorded responses.
Prints one line per problem and exits 1 if there is any.
"""
import json
import re
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate


def main():
    spec_path, records_path = sys.argv[1], sys.argv[2]
    spec = json.load(open(spec_path))
    validate(spec)
    base = spec["servers"][0]["url"].rstrip("/")
    templates = []
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        templates.append((template, re.compile(pattern), item))
    # literal paths before templated ones (/faxes/cancel before /faxes/{id})
    templates.sort(key=lambda t: t[0].count("{"))
    problems = []
    seen = set()
    count = 0
    for line in open(records_path):
        if not line.strip():
            continue
        count += 1
        r = json.loads(line)
        method, path, status = r["method"].lower(), r["path"].split("?")[0], str(r["status"])
        where = f"{r['method']} {r['path']} -> {status}"
        if not path.startswith(base + "/"):
            problems.append(f"{where}: outside {base}")
            continue
        rel = path[len(base):]
        match = next(((t, item) for t, rx, item in templates if rx.match(rel)), None)
        if match is None or method not in match[1]:
            # undocumented routes must answer with a 404 problem
            if status != "404" or not r["content_type"].startswith("application/problem+json"):
                problems.append(f"{where}: undocumented route answered without a 404 problem")
            continue
        template, item = match
        operation = item[method]
        seen.add((template, method))
        responses = operation["responses"]
        response = responses.get(status) or responses.get("default")
        if response is None:
            problems.append(f"{where}: status {status} is not documented for {method.upper()} {template}")
            continue
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
        content = response.get("content", {})
        media = r["content_type"].split(";")[0].strip()
        if not content:
            if media or r["body"]:
                problems.append(f"{where}: documented without a body, but answered {media!r}")
            continue
        if media not in content and "*/*" not in content:
            problems.append(f"{where}: media type {media!r} is not documented (documented: {sorted(content)})")
            continue
        if media.endswith("json") and media in content:
            schema = dict(content[media]["schema"])
            schema["components"] = spec["components"]
            validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
            try:
                body = json.loads(r["body"])
            except ValueError:
                problems.append(f"{where}: body is not JSON")
                continue
            for error in validator.iter_errors(body):
                problems.append(f"{where}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    for template, item in (spec["paths"].items() if "--require-coverage" in sys.argv else []):
        for method in item:
            if method in ("get", "post", "put", "patch", "delete") and (template, method) not in seen:
                problems.append(f"{method.upper()} {template}: documented but never exercised")
    for p in problems:
        print(p)
    print(f"checked {count} responses against {spec_path}: {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
