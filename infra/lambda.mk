# infra/lambda.mk — run the real compiled functions locally under the Lambda Runtime Interface
# Emulator (no Docker; internal/rie), and deploy them. Included from the Makefile.
#
#   make invoke FN=ExpertsFunction EVENT=events/experts/get-expert.json
#       builds FN's bootstrap for this machine's architecture, runs it under aws-lambda-rie
#       against DynamoDB Local ($DYNAMODB_ENDPOINT, else the persistent instance of
#       `make ddb-start` / `make run`) and table $(TABLE), and prints the response.
#   make coldstart [RUNS=5]
#       arm64 binary size and init of every function (instructions until the first event,
#       counted under valgrind: the budget's measure; and time under RIE, for information)
#       against a hello-world bootstrap and the SDK's floor (hello-world + the DynamoDB
#       client), as a markdown table (infra/coldstart.sh).
#
#   make sam-local [SAM_PORT=3000]
#       SAM CLI's own local API (needs the SAM CLI and Docker; see README.md): writes
#       .local/sam-local-env.json (`tandem sam-env`: the persistent DynamoDB Local as a
#       container reaches it, the dev JWKS), sam build, then sam local start-api. The functions
#       check bearer tokens themselves there (AWS_SAM_LOCAL): get one with
#       `go run ./cmd/tandem token -email ben@acme.example`.
#
# and deploy to AWS (SAM CLI and AWS CLI with credentials; see README.md, Deploy):
#   make deploy [STAGE=dev|prod]
#       sam build and sam deploy with infra/samconfig.toml's STAGE settings, then deploy-web.
#   make deploy-web [STAGE=dev|prod]
#       build web/, write /config.json from the stack's outputs, upload it to the web bucket
#       and invalidate the distribution (infra/deploy-web.sh).

# Wherever the Makefile includes this file, it keeps its own default goal (`make` = `make run`).
_lambda_mk_default_goal := $(.DEFAULT_GOAL)

GO ?= go
TABLE ?= tandem-local
FN ?=
EVENT ?=
RUNS ?= 5
STAGE ?= dev
SAMCONFIG = $(CURDIR)/infra/samconfig.toml

SAM_PORT ?= 3000

.PHONY: invoke coldstart deploy deploy-web sam-local

invoke:
	@if [ -z "$(FN)" ] || [ -z "$(EVENT)" ]; then \
		echo "usage: make invoke FN=ExpertsFunction EVENT=events/experts/get-expert.json" >&2; exit 2; fi
	@ep="$${DYNAMODB_ENDPOINT:-}"; \
	if [ -z "$$ep" ]; then ep=$$(infra/dynamodb-local.sh endpoint --persistent 2>/dev/null) || { \
		echo "invoke: no DynamoDB Local: set DYNAMODB_ENDPOINT or run 'make ddb-start' (and 'make run' once for demo data)" >&2; exit 1; }; fi; \
	$(GO) run ./internal/rie/cmd/rierun invoke -fn "$(FN)" -event "$(EVENT)" -endpoint "$$ep" -table "$(TABLE)"

coldstart:
	@RUNS=$(RUNS) infra/coldstart.sh

# SAM resolves a relative --config-file against the template's directory, hence the absolute path.
deploy:
	sam build --config-file "$(SAMCONFIG)" --config-env $(STAGE)
	sam deploy --config-file "$(SAMCONFIG)" --config-env $(STAGE)
	@infra/deploy-web.sh $(STAGE)

deploy-web:
	@infra/deploy-web.sh $(STAGE)

# The container reaches this machine as host.docker.internal (Docker 20.10+ maps host-gateway;
# Docker Desktop has the name anyway); DynamoDB Local listens on every interface.
sam-local:
	@command -v sam >/dev/null || { echo "sam-local: needs the SAM CLI and Docker (README.md, sam local)" >&2; exit 1; }
	@ep=$$(infra/dynamodb-local.sh endpoint --persistent 2>/dev/null) || { \
		echo "sam-local: no DynamoDB Local: run 'make ddb-start' (and 'make run' once for demo data)" >&2; exit 1; }; \
	$(GO) run ./cmd/tandem sam-env -endpoint "$$ep" -table "$(TABLE)" -o .local/sam-local-env.json
	sam build --config-file "$(SAMCONFIG)" --config-env $(STAGE)
	sam local start-api --env-vars .local/sam-local-env.json --add-host host.docker.internal:host-gateway --port $(SAM_PORT)

.DEFAULT_GOAL := $(_lambda_mk_default_goal)
