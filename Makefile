# The two commands of the README. Both install what they need on a fresh Debian machine first.
.PHONY: setup setup-test run test e2e bench

# Debian packages the build needs (system libraries for PCRE2 and SQLite) and the end-to-end tests need (Kannel).
PACKAGES := libpcre2-dev libsqlite3-dev pkg-config
TEST_PACKAGES := kannel kannel-extras python3 curl

define install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

setup:
	$(call install,$(PACKAGES))

setup-test: setup
	$(call install,$(TEST_PACKAGES))

# Faro's main job with the embedded defaults: HTTP on 127.0.0.1:8080, shipped messages/, faro.sqlite here.
run: setup
	swift run -c release faro serve

# Unit, corpus, store, server and simulator tests; the content check; the scenario files; Faro behind real Kannel.
test: setup-test
	swift build --build-tests
	.build/debug/faro content check messages
	.build/debug/simulator replay simulator/scenarios/*.csv --db "$$(mktemp -d)/scenarios.sqlite" --quiet
	FARO_BIN=.build/debug/faro Tests/e2e/kannel-e2e.sh
	swift test

bench: setup
	swift build -c release
	.build/release/faro bench
	.build/release/simulator bench --messages 1000000
