# bleedwatch: one plain Makefile.
#   make            build ./bleedwatch (gcc, -O2)
#   make CC=clang   same with clang
#   make test       install missing deps, build, run every test (plain + ASan/UBSan)
#   make demo       install missing deps, build, replay the bundled capture
#   make bench      throughput beside a bare libpcap loop, then the PII engine beside memchr (BENCH_PII=0: without)
#   make bench-live live capture through a veth pair, capture thread against --fanout (root)
#   make asan       build the sanitizer variant into build/asan/
#   make fuzz       libFuzzer targets of tests/fuzz/ (clang), FUZZ_SECONDS=60 each
#   make valgrind   every capture of ../shared/pcaps under valgrind memcheck
#   make install    install binary, man page, systemd unit, example config
#                   (PREFIX=/usr/local, DESTDIR= for staging; see INSTALL_* below)

CC      ?= cc
VERSION := 0.1.0
PKGS    := libpcap libndpi libmaxminddb hiredis libhs zlib libisal libbrotlidec libzstd libcrypto libxxhash

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wwrite-strings -Wshadow \
           -Wno-unused-parameter
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g $(WARN) -Isensor -Idissectors $(PKG_CFLAGS) \
               -DBW_VERSION='"$(VERSION)"' -MMD -MP
LDHARDEN := -pie -Wl,-z,relro,-z,now

VARIANT ?= release
ifeq ($(VARIANT),fuzz)
  # make fuzz: clang with libFuzzer's coverage hooks, ASan and UBSan.
  OPT := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
  LDOPT := -fsanitize=address,undefined
  HARDEN :=
  LDHARDEN :=
else ifeq ($(VARIANT),asan)
  OPT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDOPT := -fsanitize=address,undefined
  HARDEN :=
  LDHARDEN :=
else
  OPT := -O2
  LDOPT :=
endif

CFLAGS  ?=
CFLAGS_ALL := $(CFLAGS_BASE) $(OPT) $(HARDEN) $(CFLAGS)
LDFLAGS_ALL := $(LDOPT) $(LDHARDEN) $(LDFLAGS)
LIBS := $(PKG_LIBS) -lpthread

B := build/$(VARIANT)

# The builds that make test, demo and bench start use every core, unless
# make was given -j already (its jobserver then shares them out).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
PAR = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS))

LIB_SRC  := $(filter-out sensor/main.c,$(wildcard sensor/*.c dissectors/*.c))
LIB_OBJ  := $(patsubst %.c,$(B)/%.o,$(LIB_SRC))
MAIN_OBJ := $(B)/sensor/main.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))

.PHONY: geoip all deps test test-unit test-asan asan demo bench bench-live clean fuzz fuzz-build valgrind tools install uninstall

all: deps-check bleedwatch

# The binary at the top is always the release variant.
ifeq ($(VARIANT),release)
bleedwatch: $(B)/bleedwatch
	cp $< $@
endif

$(B)/bleedwatch: $(MAIN_OBJ) $(B)/libbw.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBS)

$(B)/libbw.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/tests/%: tests/%.c $(B)/libbw.a tests/test.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/libbw.a $(LDFLAGS_ALL) $(LIBS)

$(B)/tools/%: tests/tools/%.c $(B)/libbw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/libbw.a $(LDFLAGS_ALL) $(LIBS)

tools: $(TOOL_BIN)

# ---- fuzzing (make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="decode http1"]) ----
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/libbw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(B)/libbw.a $(LDFLAGS_ALL) $(LIBS)

fuzz-build: $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_TARGETS))

# Every capture of ../shared/pcaps under valgrind memcheck (a few minutes).
valgrind: deps-check
	@$(MAKE) -s --no-print-directory $(PAR) VARIANT=release bleedwatch
	@tests/valgrind_sweep.sh build/release

fuzz: deps-check
	@$(MAKE) -s --no-print-directory $(PAR) VARIANT=fuzz CC=clang fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Build everything a test run needs for this variant.
test-build: $(B)/bleedwatch $(TEST_BIN) $(TOOL_BIN)

deps:
	@deploy/install-deps.sh

# Fail early with a clear line when a library is missing (make deps installs it).
deps-check:
	@pkg-config --exists $(PKGS) || { echo "missing build dependencies: run 'make deps' (deploy/install-deps.sh)" >&2; exit 1; }

# make test: plain build first, then the same suite under ASan+UBSan.
test: deps
	@$(MAKE) -s --no-print-directory $(PAR) VARIANT=release test-build bleedwatch
	@$(MAKE) -s --no-print-directory $(PAR) VARIANT=asan test-build
	@tests/run.sh build/release build/asan

test-unit: deps-check
	@$(MAKE) -s --no-print-directory $(PAR) VARIANT=release test-build bleedwatch
	@tests/run.sh build/release

asan: deps-check
	@$(MAKE) -s --no-print-directory $(PAR) VARIANT=asan test-build

demo: deps
	@$(MAKE) --no-print-directory $(PAR) bleedwatch
	@deploy/demo.sh

bench: deps
	@$(MAKE) --no-print-directory $(PAR) bleedwatch tools
	@tests/bench/bench.sh $(BENCH_ARGS)
	@if [ "$${BENCH_PII:-1}" = 1 ]; then tests/bench/pii_bench.sh; fi

# live capture, capture thread against --fanout (root: a veth pair)
bench-live: deps
	@$(MAKE) --no-print-directory $(PAR) bleedwatch tools
	@tests/bench/live.sh $(BENCH_ARGS)

# Fetch the free CC0 country database (npm: @ip-location-db/geo-whois-asn-country-mmdb).
GEOIP_DIR ?= /var/lib/bleedwatch/geoip
geoip:
	@deploy/geoip-fetch.sh $(GEOIP_DIR)

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: the binary, man page,
# systemd unit (ExecStart pointing at BINDIR), the example config (never
# overwriting one already there), the consumer example and the SIEM configs.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/bleedwatch
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
install: bleedwatch
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/bleedwatch $(DESTDIR)$(DATADIR)/consumer $(DESTDIR)$(DATADIR)/siem
	install -m 0755 bleedwatch $(DESTDIR)$(BINDIR)/bleedwatch
	install -m 0644 man/bleedwatch.8 $(DESTDIR)$(MANDIR)/man8/bleedwatch.8
	sed -e 's#/usr/local/bin/bleedwatch#$(BINDIR)/bleedwatch#g' \
		-e 's#/etc/bleedwatch/#$(SYSCONFDIR)/bleedwatch/#g' deploy/bleedwatch.service \
		>$(DESTDIR)$(UNITDIR)/bleedwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/bleedwatch.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/bleedwatch/bleedwatch.conf ] || \
		install -m 0640 deploy/bleedwatch.conf $(DESTDIR)$(SYSCONFDIR)/bleedwatch/bleedwatch.conf
	install -m 0644 deploy/bleedwatch.conf $(DESTDIR)$(DATADIR)/bleedwatch.conf.example
	install -m 0755 deploy/consumer/bleedwatch_consumer.py $(DESTDIR)$(DATADIR)/consumer/
	sed -e 's#/usr/local/share/bleedwatch/#$(DATADIR)/#g' deploy/consumer/bleedwatch-consumer.service \
		>$(DESTDIR)$(UNITDIR)/bleedwatch-consumer.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/bleedwatch-consumer.service
	install -m 0644 deploy/siem/* $(DESTDIR)$(DATADIR)/siem/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bleedwatch $(DESTDIR)$(MANDIR)/man8/bleedwatch.8 \
		$(DESTDIR)$(UNITDIR)/bleedwatch.service $(DESTDIR)$(UNITDIR)/bleedwatch-consumer.service
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build bleedwatch

-include $(shell find build -name '*.d' 2>/dev/null)
