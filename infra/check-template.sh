#!/usr/bin/env bash
# infra/check-template.sh — lint template.yaml with cfn-lint (errors and warnings both fail).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v cfn-lint >/dev/null; then
  echo "cfn-lint is missing: install it with 'pip install cfn-lint aws-sam-translator'" >&2
  exit 1
fi
cfn-lint template.yaml
echo "cfn-lint: template.yaml clean"
