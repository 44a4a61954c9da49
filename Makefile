# dockerfly: see README.md.
PREFIX ?= /usr/local
DESTDIR ?=
LIBEXECDIR ?= $(PREFIX)/libexec
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
HOOKDIR ?= $(DATADIR)/containers/oci/hooks.d

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
CORE := err log parse settings json state spec sources
HOOK := $(CORE) conf nl link addr route netns caps probe ipv6 shim attach

CORE_OBJ := $(CORE:%=$(B)/%.o)
HOOK_OBJ := $(HOOK:%=$(B)/%.o) $(B)/hook.o

all: $(B)/dockerfly-hook

$(B):
	mkdir -p $@

$(B)/%.o: hook/%.c | $(B)
	$(CC) $(DF_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/dockerfly-hook: $(HOOK_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(DF_LIBS)

# Unit tests (cmocka).
UNIT := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT:%=$(B)/%)

$(B)/test-%.o: tests/unit/test-%.c | $(B)
	$(CC) $(DF_CFLAGS) -iquote hook $(CPPFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) \
		-c -o $@ $<

$(B)/test-%: $(B)/test-%.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(DF_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

BATS ?= bats
BATS_FILES ?= $(sort $(wildcard tests/[0-9][0-9]-*.bats))

integration: all
	$(BATS) --timing $(BATS_FILES)

check: unit integration

install: all
	install -d $(DESTDIR)$(LIBEXECDIR)/dockerfly
	install -m 0755 $(B)/dockerfly-hook $(DESTDIR)$(LIBEXECDIR)/dockerfly/dockerfly-hook

SOURCES := $(wildcard hook/*.c hook/*.h tests/unit/*.c)

fmt:
	clang-format -i $(SOURCES)

fmt-check:
	clang-format --dry-run --Werror $(SOURCES)

clean:
	rm -rf $(B)

-include $(wildcard $(B)/*.d)

.PHONY: all unit integration check install fmt fmt-check clean
