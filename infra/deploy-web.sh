#!/usr/bin/env bash
# infra/deploy-web.sh — publish the web app to a deployed stack (after `sam deploy`):
#   1. build web/ (npm ci, type checks, production build, size budget);
#   2. write /config.json from the stack's Outputs (HostedUiUrl, UserPoolClientId): the app
#      reads it at start to find the Cognito hosted UI; redirect and sign-out URLs default to
#      the page's own origin, so one file serves the distribution's domain and DomainName;
#   3. upload to the stack's WebBucket: hashed assets first (cached for a year, immutable),
#      then index.html and config.json (no-cache, so a deploy shows at the next load);
#      files of earlier builds under assets/ are kept, for pages still open on them;
#   4. invalidate the distribution's cache and wait until the new files are served.
#
# Usage: infra/deploy-web.sh [dev|prod]      (default dev; `make deploy-web STAGE=prod`)
# The stack name and region come from infra/samconfig.toml ([<stage>.deploy.parameters]);
# STACK=... and REGION=... override them. Needs the AWS CLI with credentials for the account,
# Node/npm. SKIP_BUILD=1 uploads the existing web/dist as it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STAGE="${1:-${STAGE:-dev}}"
case "$STAGE" in dev | prod) ;; *) echo "usage: infra/deploy-web.sh [dev|prod]" >&2; exit 2 ;; esac

# samconfig VALUE: the value of a key in [<stage>.deploy.parameters] (flat TOML strings only).
samconfig() {
  awk -v section="[$STAGE.deploy.parameters]" -v key="$1" '
    $0 == section { inside = 1; next }
    /^\[/ { inside = 0 }
    inside && $1 == key { sub(/^[^=]*=[ \t]*"/, ""); sub(/"[ \t]*$/, ""); print; exit }
  ' infra/samconfig.toml
}
STACK="${STACK:-$(samconfig stack_name)}"
REGION="${REGION:-$(samconfig region)}"
for tool in aws node npm; do
  command -v "$tool" >/dev/null || { echo "deploy-web: $tool is missing" >&2; exit 1; }
done

site=$(mktemp -d)
outputs=$(mktemp)
trap 'rm -rf "$site" "$outputs"' EXIT

echo "deploy-web: reading the outputs of stack $STACK in $REGION" >&2
aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
  --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text >"$outputs"
# output KEY: the stack output's value; fails when the stack has none (an older template).
output() {
  local v
  v=$(awk -F '\t' -v key="$1" '$1 == key { print $2; exit }' "$outputs")
  [ -n "$v" ] || { echo "deploy-web: stack $STACK has no output $1; deploy the template first (sam deploy)" >&2; return 1; }
  printf '%s\n' "$v"
}
bucket="s3://$(output WebBucketName)"
distribution=$(output DistributionId)
web_url=$(output WebUrl)
hosted_ui=$(output HostedUiUrl)
client_id=$(output UserPoolClientId)

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "deploy-web: building web/" >&2
  (cd web && npm ci --no-audit --no-fund && npm run build) >&2
fi
[ -f web/dist/index.html ] || { echo "deploy-web: web/dist/index.html is missing; build the web app" >&2; exit 1; }

cp -R web/dist/. "$site/"
rm -rf "$site/.vite" # Vite's build manifest (scripts/size.mjs reads it); not for the site
node -e '
  const [domain, clientId] = process.argv.slice(1);
  process.stdout.write(JSON.stringify({ cognito: { domain, clientId } }, null, 2) + "\n");
' "$hosted_ui" "$client_id" >"$site/config.json"

echo "deploy-web: uploading to $bucket" >&2
if [ -d "$site/assets" ]; then
  aws s3 sync "$site/assets" "$bucket/assets" --region "$REGION" --only-show-errors \
    --cache-control "public, max-age=31536000, immutable"
fi
aws s3 sync "$site" "$bucket" --region "$REGION" --only-show-errors --delete \
  --exclude "assets/*" --cache-control "no-cache"

echo "deploy-web: invalidating the cache of distribution $distribution" >&2
invalidation=$(aws cloudfront create-invalidation --distribution-id "$distribution" \
  --paths "/*" --query 'Invalidation.Id' --output text)
aws cloudfront wait invalidation-completed --distribution-id "$distribution" --id "$invalidation"

echo "deploy-web: done: $web_url"
