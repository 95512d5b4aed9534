# The two commands of the README. Both install what they need on a fresh Debian machine first.
.PHONY: setup run test bench content-check

# Debian packages the build needs (system libraries for PCRE2 and SQLite).
PACKAGES := libpcre2-dev libsqlite3-dev pkg-config

setup:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Faro's main job with the embedded defaults: shipped messages/, faro.sqlite in this folder.
run: setup
	swift run -c release faro chat

test: setup
	swift build --build-tests
	.build/debug/faro content check messages
	.build/debug/simulator replay simulator/scenarios/*.csv --db "$$(mktemp -d)/scenarios.sqlite" --quiet
	swift test

bench: setup
	swift run -c release faro bench
