# rolemine: `make demo` runs the whole job on a sample tenant, `make test` runs the tests.

GO       ?= go
BIN      ?= bin/rolemine
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/rolemine/rolemine/internal/cli.Version=$(VERSION)
# Packages without cgo, fast enough for the race detector on every run.
PURE     := ./mining/... ./report/... ./export ./tenant/... ./internal/render/... ./internal/tenantgen/...
STATICCHECK_VERSION ?= v0.8.2

.PHONY: all build test race demo bench lint fmt clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/rolemine

## test: vet, every test (no cache: the architecture test reads the whole tree), and the race detector on the pure packages.
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race $(PURE)

race:
	$(GO) test -race ./...

## demo: generate a sample tenant, ingest, mine, report and export into ./rolemine-demo.
demo: build
	./$(BIN) demo --out rolemine-demo --force

## bench: the Go benchmarks of the mining core and the pipeline.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./mining/... ./benchmarks/...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	$(GO) mod tidy -diff

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin rolemine-demo
