# Tandem — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
GO ?= go
PORT ?=
TABLE ?= tandem-local
DDB_STATE := .local/dynamodb-persistent

.PHONY: run test web-test scale-test load-test bench ddb-start ddb-stop build clean

## run: set up everything and start Tandem locally (DynamoDB Local, demo data, API, web app)
run:
	@infra/run.sh

## test: vet, lint, template checks and every Go test against a fresh DynamoDB Local
test:
	@infra/test.sh

## web-test: web type checks, build (size budget), unit tests, end-to-end in headless Chromium
web-test:
	@infra/web-test.sh

## scale-test: report latency with 1,000 vs 100,000 bookings of history, then the load test (several minutes)
scale-test:
	@infra/scale-test.sh

## load-test: booking under DynamoDB's real conflict and throughput rules (faithful model), 50/s for 60 s and a circle rush
load-test:
	@infra/load-test.sh

## bench: request overhead, each handler beside the same DynamoDB calls made raw (a few minutes)
bench:
	@infra/bench.sh

ddb-start:
	@infra/dynamodb-local.sh start --persistent --state-dir $(DDB_STATE)

ddb-stop:
	@infra/dynamodb-local.sh stop --state-dir $(DDB_STATE)

## build: compile every Lambda bootstrap for arm64 into dist/<Function>/bootstrap
build:
	@for fn in $$($(GO) run ./cmd/tandem functions); do \
		$(MAKE) --no-print-directory build-$$fn ARTIFACTS_DIR=dist/$$fn || exit 1; done

# SAM `BuildMethod: makefile` targets: one per function, writing $(ARTIFACTS_DIR)/bootstrap.
LAMBDA_BUILD = GOOS=linux GOARCH=$${GOARCH:-arm64} CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w"

build-ExpertsFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/experts

clean:
	rm -rf dist .aws-sam

build-BookingsFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/bookings

build-SchedulerFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/scheduler

build-FeedbackFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/feedback

build-RequestsFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/requests

build-ReportsFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/reports

build-StreamsFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/streams

build-NotificationsFunction:
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/notifications

include infra/lambda.mk
