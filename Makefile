# dockerfly: see README.md.
PREFIX ?= /usr/local
DESTDIR ?=
LIBEXECDIR ?= $(PREFIX)/libexec
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
HOOKDIR ?= $(DATADIR)/containers/oci/hooks.d
SYSCONFDIR ?= /etc

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libmnl json-c libcap-ng

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif
DF_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -MMD -MP $(shell $(PKG_CONFIG) --cflags $(PKGS))
DF_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))

B := build
# Code shared by the hook, the runtime wrapper and the unit tests.
CORE := err log parse settings json state spec sources conf dhcp policy
HOOK := $(CORE) files sysctl nl link addr route netns caps probe ipv6 shim dhcpc keeper pool lease \
	attach

CORE_OBJ := $(CORE:%=$(B)/%.o)
HOOK_OBJ := $(HOOK:%=$(B)/%.o) $(B)/hook.o

all: $(B)/dockerfly-hook

$(B):
	mkdir -p $@

$(B)/%.o: hook/%.c | $(B)
	$(CC) $(DF_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/dockerfly-hook: $(HOOK_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(DF_LIBS)

# Every object depends on the flags it was built with, so that SANITIZE=1 or WERROR=1 after a
# plain build (or the reverse) rebuilds everything instead of linking old and new together.
$(B)/flags: FORCE | $(B)
	@echo '$(CC) $(DF_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# dockerfly-runtime, the runc wrapper.
RUNTIME := $(CORE) caps runargs hooks rtconf
RUNTIME_OBJ := $(RUNTIME:%=$(B)/%.o) $(B)/runtime.o

all: $(B)/dockerfly-runtime

$(B)/dockerfly-runtime: $(RUNTIME_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(DF_LIBS)

# Installed paths built into the wrapper. paths.h is rewritten only when they change, so that
# "make install PREFIX=..." after a plain "make" rebuilds what embeds them, and nothing else.
$(B)/paths.h: FORCE | $(B)
	@printf '#define DF_HOOK_PATH "%s"\n#define DF_RUNTIME_CONF "%s"\n' \
		'$(LIBEXECDIR)/dockerfly/dockerfly-hook' '$(SYSCONFDIR)/dockerfly/runtime.conf' \
		>$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(B)/rtconf.o: hook/rtconf.c $(B)/paths.h | $(B)
	$(CC) $(DF_CFLAGS) -I$(B) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Unit tests (cmocka).
UNIT := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT:%=$(B)/%)

$(B)/test-%.o: tests/unit/test-%.c | $(B)
	$(CC) $(DF_CFLAGS) -iquote hook $(CPPFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) \
		-c -o $@ $<

$(B)/test-%: $(B)/test-%.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(DF_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# Tests of code outside CORE name what else they need.
$(B)/test-conf: $(B)/conf.o
$(B)/test-runargs: $(B)/runargs.o
$(B)/test-hooks: $(B)/hooks.o

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# Fuzzing: libFuzzer targets (clang) over every parser of outside input, with ASan and UBSan,
# built apart from the rest. "make fuzz" runs each for FUZZ_SECONDS, "make fuzz-smoke" briefly;
# new inputs go to $(FB)/corpus-NAME, crashes to $(FB)/NAME-crash-*.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FB := $(B)/fuzz
FUZZ := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN := $(FUZZ:%=$(FB)/fuzz-%)

$(FB):
	mkdir -p $@

$(FB)/%.o: hook/%.c | $(FB)
	$(FUZZ_CC) $(DF_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FB)/fuzz-%.o: tests/fuzz/fuzz-%.c | $(FB)
	$(FUZZ_CC) $(DF_CFLAGS) -iquote hook $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FB)/fuzz-%: $(FB)/fuzz-%.o $(CORE:%=$(FB)/%.o)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(DF_LIBS)

# fuzz_run SECONDS: each target in turn, from its seed corpus and what earlier runs found.
define fuzz_run
	@set -e; for t in $(FUZZ); do \
		mkdir -p $(FB)/corpus-$$t; \
		echo "== fuzz-$$t ($(1) s)"; \
		$(FB)/fuzz-$$t -max_total_time=$(1) -print_final_stats=1 \
			-dict=tests/fuzz/$$t.dict -artifact_prefix=$(FB)/$$t- \
			$(FB)/corpus-$$t tests/fuzz/corpus/$$t; \
	done
endef

fuzz: $(FUZZ_BIN)
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-smoke: $(FUZZ_BIN)
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))

# See $(B)/flags.
$(HOOK_OBJ) $(RUNTIME_OBJ) $(UNIT_BIN:%=%.o): $(B)/flags

BATS ?= bats
BATS_FILES ?= $(sort $(wildcard tests/[0-9][0-9]-*.bats))

integration: all
	$(BATS) --timing --print-output-on-failure $(BATS_FILES)

# What the tests need on the machine: the Debian packages, containerd and dockerd running.
deps:
	scripts/install-deps
	tests/lib/start-engines

check: deps static unit fuzz-smoke integration

install: all
	install -d $(DESTDIR)$(LIBEXECDIR)/dockerfly
	install -m 0755 $(B)/dockerfly-hook $(DESTDIR)$(LIBEXECDIR)/dockerfly/dockerfly-hook

# The engines' way in: the runc wrapper, the hooks.d file (Podman, CRI-O) and dockerfly-setup,
# each with the installed paths filled in.
install: install-engines

install-engines: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(HOOKDIR)
	install -m 0755 $(B)/dockerfly-runtime $(DESTDIR)$(BINDIR)/dockerfly-runtime
	sed 's|@HOOK@|$(LIBEXECDIR)/dockerfly/dockerfly-hook|' oci-hooks.d/dockerfly.json.in \
		>$(B)/dockerfly.json
	install -m 0644 $(B)/dockerfly.json $(DESTDIR)$(HOOKDIR)/dockerfly.json
	sed -e 's|^DEFAULT_RUNTIME=.*|DEFAULT_RUNTIME=$(BINDIR)/dockerfly-runtime|' \
		-e 's|^DEFAULT_HOOKDIR=.*|DEFAULT_HOOKDIR=$(HOOKDIR)|' \
		scripts/dockerfly-setup >$(B)/dockerfly-setup
	install -m 0755 $(B)/dockerfly-setup $(DESTDIR)$(BINDIR)/dockerfly-setup

# The dockerfly command; it finds the hook and the hooks.d file relative to where it is.
install: install-command

install-command:
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 scripts/dockerfly $(DESTDIR)$(BINDIR)/dockerfly

# dockerfly end to end on a lab LAN, from a fresh Debian 12 machine (root; see scripts/demo).
demo:
	scripts/demo

# dockerfly against the CNI macvlan plugin, iproute2 and Docker's macvlan network, side by side
# on a lab LAN of its own; prints the table and updates BENCHMARKS.md (root; see scripts/bench).
bench:
	scripts/bench

SOURCES := $(wildcard hook/*.c hook/*.h tests/unit/*.[ch] tests/fuzz/*.[ch])

fmt:
	clang-format -i $(SOURCES)

fmt-check:
	clang-format --dry-run --Werror $(SOURCES)

# cppcheck, clang-tidy, shellcheck and fmt-check over the tracked tree (see the script).
static:
	scripts/static-checks

clean:
	rm -rf $(B)

-include $(wildcard $(B)/*.d)
-include $(wildcard $(FB)/*.d)

.PHONY: all deps unit integration check install fmt fmt-check clean
.PHONY: install-engines FORCE
.PHONY: install-command demo
.PHONY: fuzz fuzz-smoke static
.PHONY: bench
