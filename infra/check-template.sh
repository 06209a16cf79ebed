#!/usr/bin/env bash
# infra/check-template.sh — template checks run by `make test` (errors and warnings both fail):
#   1. cfn-lint template.yaml (cfn-lint applies the SAM transform internally, but reports
#      findings against the SAM source and does not lint every generated property);
#   2. an offline aws-sam-translator transform (infra/sam_translate.py: bundled managed policy
#      map, placeholder s3:// CodeUri, AWS_DEFAULT_REGION set), then cfn-lint on the generated
#      CloudFormation JSON, which is what CloudFormation actually deploys. This is the check
#      that sees the generated IAM roles, e.g. it flagged "dynamodb:TransactWriteItems", which is
#      not an IAM action (transactions are authorized per item: PutItem, UpdateItem, ...).
# No rule is ignored on the transformed output: it lints clean as is. If a future SAM release
# generates a resource that warns, ignore that one rule here with --ignore-checks and a reason.
# Structural rules that are ours rather than CloudFormation's (build method, runtime, IAM
# allow-list, log retention, private web bucket, /v1/* to the API uncached, alarms, retained
# table and user pool, names unique per stage, sam local's variables empty in AWS) are Go
# tests: internal/samtemplate/*_checks_test.go. The IAM check (each function's policy grants
# exactly the AWS actions its tests performed) runs after the Go tests: infra/test.sh.
#
# It also runs the code the template carries inline (infra/inline_code_test.py: the custom
# resource that sets the sign-in URLs, the CloudFront routing function), and checks that
# infra/samconfig.toml deploys what the template accepts (declared parameters with allowed
# values and patterns, stack names, CAPABILITY_IAM).
#
# Usage: infra/check-template.sh [TEMPLATE]   (default: template.yaml at the repository root)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TEMPLATE="${1:-template.yaml}"

for tool in cfn-lint python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is missing: install with 'pip install cfn-lint aws-sam-translator'" >&2
    exit 1
  fi
done
command -v node >/dev/null || { echo "node is missing: it runs the template's CloudFront function" >&2; exit 1; }
if ! python3 -c 'import samtranslator' 2>/dev/null; then
  echo "aws-sam-translator is missing: install with 'pip install aws-sam-translator'" >&2
  exit 1
fi

cfn-lint "$TEMPLATE"
echo "cfn-lint: $TEMPLATE clean"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/$(basename "${TEMPLATE%.*}").transformed.json"
AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-west-1}" python3 infra/sam_translate.py "$TEMPLATE" "$out"
cfn-lint "$out"
echo "cfn-lint: $TEMPLATE after the SAM transform clean ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Resources"]))' "$out") resources)"

python3 infra/inline_code_test.py "$TEMPLATE"
echo "inline code: UserPoolClientUrlsHandler and WebRouting behave"

# infra/samconfig.toml: every environment overrides only declared parameters with allowed
# values, names its stack tandem-<env> with Stage=<env>, and acknowledges the IAM roles.
python3 - "$TEMPLATE" infra/samconfig.toml <<'PY'
import re, shlex, sys, tomllib
from samtranslator.yaml_helper import yaml_parse
template = yaml_parse(open(sys.argv[1], encoding="utf-8").read())
params = template.get("Parameters", {})
config = tomllib.load(open(sys.argv[2], "rb"))
problems = []
for env in ("dev", "prod"):
    deploy = config.get(env, {}).get("deploy", {}).get("parameters", {})
    overrides = dict(kv.split("=", 1) for kv in shlex.split(deploy.get("parameter_overrides", "")))
    for k, v in overrides.items():
        if k not in params:
            problems.append(f"{env}: parameter_overrides sets {k}, which the template does not declare")
        elif "AllowedValues" in params[k] and v not in params[k]["AllowedValues"]:
            problems.append(f"{env}: {k}={v} is not one of {params[k]['AllowedValues']}")
        elif "AllowedPattern" in params[k] and not re.fullmatch(params[k]["AllowedPattern"], v):
            problems.append(f"{env}: {k}={v} does not match {params[k]['AllowedPattern']}")
    if overrides.get("Stage") != env:
        problems.append(f"{env}: parameter_overrides must set Stage={env}")
    if deploy.get("stack_name") != f"tandem-{env}":
        problems.append(f"{env}: stack_name must be tandem-{env}")
    if "CAPABILITY_IAM" not in str(deploy.get("capabilities", "")).split():
        problems.append(f"{env}: capabilities must include CAPABILITY_IAM (the template creates roles)")
    if deploy.get("resolve_s3") is not True:
        problems.append(f"{env}: resolve_s3 must be true")
if config.get("prod", {}).get("deploy", {}).get("parameters", {}).get("confirm_changeset") is not True:
    problems.append("prod: confirm_changeset must be true")
for p in problems:
    print(f"samconfig: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "samconfig: infra/samconfig.toml matches the template"
