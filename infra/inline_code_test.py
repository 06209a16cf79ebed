#!/usr/bin/env python3
"""infra/inline_code_test.py — run the code that template.yaml carries inline, offline.

Usage: infra/inline_code_test.py [TEMPLATE]   (run by infra/check-template.sh)

Two pieces of code live in the template as text, where neither cfn-lint nor the Go tests look:
  * UserPoolClientUrlsHandler (Python, the custom resource that puts the CloudFront URLs on the
    user pool client): exec'd from the template's own text against a real botocore
    cognito-idp client with a Stubber, which checks every request against the service model,
    so a field UpdateUserPoolClient does not take, or a missing one, fails here; the
    response to CloudFormation is captured instead of sent.
  * WebRouting (CloudFront Functions JavaScript): run by node on sample URIs.
Exit status 1 on any failure.
"""

import contextlib
import datetime
import io
import json
import shutil
import subprocess
import sys
import types
import urllib.request

import boto3
from botocore.stub import Stubber
from samtranslator.yaml_helper import yaml_parse

LIVE_CLIENT = {
    "UserPoolId": "eu-west-1_abc123",
    "ClientId": "client123",
    "ClientName": "tandem-web-dev",
    "CreationDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    "LastModifiedDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc),
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"},
    "ReadAttributes": ["custom:department", "custom:org", "email", "name"],
    "WriteAttributes": ["name"],
    "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
    "SupportedIdentityProviders": ["COGNITO"],
    "CallbackURLs": ["http://localhost:4780/auth/callback"],
    "LogoutURLs": ["http://localhost:4780/"],
    "DefaultRedirectURI": "http://localhost:4780/auth/callback",
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["email", "openid", "profile"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "PreventUserExistenceErrors": "ENABLED",
    "EnableTokenRevocation": True,
    "AuthSessionValidity": 3,
}
CALLBACKS = ["https://d111.cloudfront.net/auth/callback", "https://mentoring.example.com/auth/callback"]
LOGOUTS = ["https://d111.cloudfront.net/", "https://mentoring.example.com/"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def event(kind, **extra):
    e = {
        "RequestType": kind,
        "ResponseURL": "https://cloudformation-custom-resource-response.example/put?sig=1",
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/tandem-dev/1",
        "RequestId": "req-1",
        "LogicalResourceId": "UserPoolClientUrls",
        "ResourceType": "Custom::UserPoolClientUrls",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:x",
            "UserPoolId": "eu-west-1_abc123",
            "ClientId": "client123",
            "CallbackURLs": CALLBACKS,
            "LogoutURLs": LOGOUTS,
            "ClientSettings": {"ClientName": "tandem-web-dev"},
        },
    }
    e.update(extra)
    return e


def run_handler(module, ev, stub_calls):
    """Runs the handler with a stubbed client; returns (response body, request) sent to CloudFormation."""
    client = boto3.client("cognito-idp", region_name="eu-west-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    sent = []

    def fake_urlopen(req, timeout=None):
        sent.append(req)
        return types.SimpleNamespace(close=lambda: None)

    real_urlopen = urllib.request.urlopen
    urllib.request.urlopen = fake_urlopen
    try:
        with Stubber(client) as stub:
            stub_calls(stub)
            with contextlib.redirect_stdout(io.StringIO()):  # the handler logs failures
                module.handler(ev, None, cognito=client)
            try:
                stub.assert_no_pending_responses()
            except AssertionError as e:
                failures.append(f"{ev['RequestType']}: expected calls not made: {e}")
    finally:
        urllib.request.urlopen = real_urlopen
    check(len(sent) == 1, f"{ev['RequestType']}: {len(sent)} responses sent to CloudFormation, want 1")
    req = sent[0]
    check(req.get_method() == "PUT", f"{ev['RequestType']}: response method {req.get_method()}, want PUT")
    check(req.full_url == ev["ResponseURL"], f"{ev['RequestType']}: response sent to {req.full_url}")
    return json.loads(req.data), req


def test_client_urls(template):
    res = template["Resources"]["UserPoolClientUrlsHandler"]["Properties"]
    code = res["Code"]["ZipFile"]
    check(len(code) <= 4096, f"UserPoolClientUrlsHandler: {len(code)} characters inline, CloudFormation takes 4096")
    check(res["Handler"] == "index.handler", "UserPoolClientUrlsHandler: Handler must be index.handler (ZipFile code is index.py)")
    module = types.ModuleType("index")
    exec(compile(code, "template.yaml:UserPoolClientUrlsHandler", "exec"), module.__dict__)

    # Create: the live client goes back unchanged but for the URL lists; read-only fields
    # (dates, ids of nothing) stay out, and a default redirect no longer listed is dropped.
    want_update = {k: v for k, v in LIVE_CLIENT.items()
                   if k not in ("CreationDate", "LastModifiedDate", "DefaultRedirectURI")}
    want_update.update(CallbackURLs=CALLBACKS, LogoutURLs=LOGOUTS)

    def create_calls(stub):
        ids = {"UserPoolId": "eu-west-1_abc123", "ClientId": "client123"}
        stub.add_response("describe_user_pool_client", {"UserPoolClient": LIVE_CLIENT}, ids)
        stub.add_response("update_user_pool_client", {"UserPoolClient": {}}, want_update)

    body, req = run_handler(module, event("Create"), create_calls)
    check(body["Status"] == "SUCCESS", f"Create: status {body['Status']} ({body.get('Reason')})")
    check(body["PhysicalResourceId"] == "client123", f"Create: physical id {body['PhysicalResourceId']}")
    for k in ("StackId", "RequestId", "LogicalResourceId", "Reason"):
        check(body.get(k), f"Create: response has no {k}")
    check(req.get_header("Content-type") == "", "Create: the presigned response URL needs an empty Content-Type")

    # A default redirect that is still listed is kept.
    kept = dict(LIVE_CLIENT, DefaultRedirectURI=CALLBACKS[0])

    def keep_calls(stub):
        stub.add_response("describe_user_pool_client", {"UserPoolClient": kept})
        stub.add_response("update_user_pool_client", {"UserPoolClient": {}},
                          dict(want_update, DefaultRedirectURI=CALLBACKS[0]))

    body, _ = run_handler(module, event("Update", PhysicalResourceId="client123"), keep_calls)
    check(body["Status"] == "SUCCESS", f"Update: status {body['Status']} ({body.get('Reason')})")

    # A failing call is reported as FAILED with the reason, not left to time out.
    def failing_calls(stub):
        stub.add_client_error("describe_user_pool_client", "ResourceNotFoundException", "no such client")

    body, _ = run_handler(module, event("Update", PhysicalResourceId="client123"), failing_calls)
    check(body["Status"] == "FAILED", f"failed Update: status {body['Status']}")
    check("no such client" in body["Reason"], f"failed Update: reason {body['Reason']!r}")

    # Delete touches nothing (the client goes with the stack, or stays with its URLs).
    body, _ = run_handler(module, event("Delete", PhysicalResourceId="client-old"), lambda stub: None)
    check(body["Status"] == "SUCCESS", f"Delete: status {body['Status']}")
    check(body["PhysicalResourceId"] == "client-old", f"Delete: physical id {body['PhysicalResourceId']}")


ROUTES = {
    "/": "/index.html",
    "/experts/01JABC": "/index.html",
    "/auth/callback": "/index.html",
    "/requests/board/": "/index.html",
    "/assets/index-CIcyMBPu.js": "/assets/index-CIcyMBPu.js",
    "/config.json": "/config.json",
    "/favicon.ico": "/favicon.ico",
}


def test_web_routing(template):
    code = template["Resources"]["WebRouting"]["Properties"]["FunctionCode"]
    node = shutil.which("node")
    if node is None:
        failures.append("node is missing: it runs the WebRouting CloudFront function")
        return
    script = code + "\nconst cases = " + json.dumps(ROUTES) + """;
const out = {};
for (const uri of Object.keys(cases)) {
  out[uri] = handler({ request: { uri: uri, method: 'GET', querystring: {}, headers: {} } }).uri;
}
console.log(JSON.stringify(out));
"""
    run = subprocess.run([node, "-e", script], capture_output=True, text=True)
    if run.returncode != 0:
        failures.append(f"WebRouting: node failed: {run.stderr.strip()}")
        return
    got = json.loads(run.stdout)
    for uri, want in ROUTES.items():
        check(got.get(uri) == want, f"WebRouting: {uri} -> {got.get(uri)}, want {want}")


def main(argv):
    path = argv[0] if argv else "template.yaml"
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    test_client_urls(template)
    test_web_routing(template)
    for f in failures:
        print(f"inline code: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
