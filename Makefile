# btfx: libbtfx + btftool.  Plain GNU make.
#   make                 build $(O)/libbtfx.a, $(O)/libbtfx.so, $(O)/btftool
#   make O=DIR SAN=...   build elsewhere, with sanitizers (address,undefined)
#   make check           deps (if missing), build, every test
#   make demo            deps (if missing), build, summary of the running kernel
#   make bench           btfx vs libbpf/bpftool, ratios
#   make install PREFIX=/usr/local DESTDIR=
#   V=1 for verbose, WERROR=1 (CI) for warnings as errors

VERSION_MAJOR := 0
VERSION := 0.1.0
O ?= build
SAN ?=
CC ?= gcc
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

ifeq ($(V),1)
Q :=
msg := @true
else
Q := @
msg = @printf '  %-8s %s\n'
endif

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	-Wformat=2 -Wno-format-nonliteral -Wundef -Wvla -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifeq ($(CI),true)
WARNINGS += -Werror
endif

OPT ?= -O2
BASE_CFLAGS := -std=gnu11 $(OPT) -g $(WARNINGS) -D_GNU_SOURCE -Iinclude -Ilibbtfx -Icore-reloc
ifneq ($(SAN),)
BASE_CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=$(SAN)
endif
CFLAGS ?=
LDFLAGS ?=
LIBS := -lelf -lz -llzma -llz4 -lzstd -lbz2 -lpthread
# btftool load uses libbpf (the library does not)
CLI_LIBS := -lbpf
# btftool is linked statically (Debian's static archives of libbpf, libelf,
# the codecs and glibc): each run is a short process, and loading eight
# shared objects cost about 0.6 ms of every run.  STATIC_DEPS=0 links
# dynamically; sanitizer builds always do.
STATIC_DEPS ?= 1
ifeq ($(SAN),)
ifeq ($(STATIC_DEPS),1)
BTFTOOL_LIBS = -static $(CLI_LIBS) $(LIBS)
endif
endif
BTFTOOL_LIBS ?= $(CLI_LIBS) $(LIBS)

LIB_SRCS := $(wildcard libbtfx/*.c core-reloc/*.c)
CLI_SRCS := $(wildcard btftool/*.c)
LIB_SOBJS := $(patsubst %.c,$(O)/static/%.o,$(LIB_SRCS))
LIB_POBJS := $(patsubst %.c,$(O)/shared/%.o,$(LIB_SRCS))
CLI_OBJS := $(patsubst %.c,$(O)/cli/%.o,$(CLI_SRCS))
HDRS := $(wildcard include/btfx/*.h libbtfx/*.h core-reloc/*.h btftool/*.h)

STATIC_LIB := $(O)/libbtfx.a
SHARED_LIB := $(O)/libbtfx.so.$(VERSION)
SONAME := libbtfx.so.$(VERSION_MAJOR)
BTFTOOL := $(O)/btftool
# statically linked btftool for the initramfs of `btftool load --kernel`
BTFTOOL_STATIC := $(O)/btftool-static

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
TEST_HELPERS := $(wildcard tests/unit/helpers/*.c)

.PHONY: all clean check check-san demo deps install bench tests
all: $(STATIC_LIB) $(O)/libbtfx.so $(BTFTOOL)
ifeq ($(SAN),)
all: $(BTFTOOL_STATIC)
endif

$(O)/static/%.o: %.c $(HDRS)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -fvisibility=hidden $(CFLAGS) -c $< -o $@

$(O)/shared/%.o: %.c $(HDRS)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -fPIC -fvisibility=hidden $(CFLAGS) -c $< -o $@

$(O)/cli/%.o: %.c $(HDRS)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -c $< -o $@

$(STATIC_LIB): $(LIB_SOBJS)
	$(msg) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(SHARED_LIB): $(LIB_POBJS) libbtfx/libbtfx.map
	$(msg) LD $@
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=libbtfx/libbtfx.map \
		$(SAN_LDFLAGS) $(LDFLAGS) -o $@ $(LIB_POBJS) $(LIBS)

$(O)/libbtfx.so: $(SHARED_LIB)
	$(Q)ln -sf libbtfx.so.$(VERSION) $(O)/$(SONAME) && ln -sf $(SONAME) $@

$(BTFTOOL): $(CLI_OBJS) $(STATIC_LIB)
	$(msg) LD $@
	$(Q)$(CC) $(SAN_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(STATIC_LIB) $(BTFTOOL_LIBS)

$(BTFTOOL_STATIC): $(CLI_OBJS) $(STATIC_LIB)
	$(msg) LD $@
	$(Q)$(CC) -static -s $(LDFLAGS) -o $@ $(CLI_OBJS) $(STATIC_LIB) $(CLI_LIBS) $(LIBS)

# ---------------------------------------------------------------- tests
$(O)/tests/%: tests/unit/%.c $(TEST_HELPERS) $(STATIC_LIB) $(HDRS)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -Itests/unit $(CFLAGS) -o $@ $< $(TEST_HELPERS) $(STATIC_LIB) \
		$(SAN_LDFLAGS) $(LDFLAGS) $(LIBS) -lcmocka -lbpf

tests: $(UNIT_BINS)

deps:
	@scripts/deps.sh

# deps only when something is missing (scripts/deps.sh is a no-op otherwise)
check: deps
	@$(MAKE) --no-print-directory all tests
	@testdata/fetch-kernels.sh
	@O=$(O) tests/run.sh

# the same tests against an AddressSanitizer + UBSan build in build-san/
check-san: deps
	@$(MAKE) --no-print-directory O=build-san SAN=address,undefined all tests
	@testdata/fetch-kernels.sh
	@O=build-san tests/run.sh

EXAMPLE_OBJ := $(O)/examples/core_example.bpf.o
$(EXAMPLE_OBJ): examples/core_example.bpf.c
	$(msg) CLANG $@
	@mkdir -p $(@D)
	$(Q)clang-19 -g -O2 -target bpf -D__TARGET_ARCH_x86 -I/usr/include/$(shell gcc -print-multiarch) -c $< -o $@

demo: deps
	@$(MAKE) --no-print-directory all $(EXAMPLE_OBJ)
	@echo "== btftool summary (the running kernel's BTF)"
	@$(BTFTOOL) summary
	@echo
	@echo "== btftool dump -t task_struct (first lines)"
	@$(BTFTOOL) dump -t task_struct | head -5
	@echo
	@echo "== btftool header -o $(O)/vmlinux.h"
	@$(BTFTOOL) header -o $(O)/vmlinux.h && wc -lc $(O)/vmlinux.h
	@echo
	@echo "== btftool core explain $(EXAMPLE_OBJ)"
	@$(BTFTOOL) core explain $(EXAMPLE_OBJ) || true

bench: deps
	@$(MAKE) --no-print-directory all OPT=-O2
	@O=$(O) bench/run.sh
	@O=$(O) bench/core.sh
	@O=$(O) bench/minimize.sh
	@O=$(O) bench/header.sh

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/btfx $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libbtfx.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libbtfx.so
	install -m 644 include/btfx/*.h $(DESTDIR)$(INCLUDEDIR)/btfx/
	install -m 755 $(BTFTOOL) $(DESTDIR)$(BINDIR)/
	install -m 644 docs/btftool.1 $(DESTDIR)$(MANDIR)/man1/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' libbtfx/libbtfx.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libbtfx.pc

clean:
	rm -rf $(O)

# ======================================================================
# Fuzzing (robustness, docs/robustness.md).  Everything of the fuzz
# harnesses lives in this block.
#   make fuzz                 libFuzzer harnesses (clang-19, ASan+UBSan) in $(O)/fuzz/
#   make fuzz-run SECONDS=N   each harness for N seconds (or RUNS=M executions,
#                             whichever first) on a copy of its corpus in
#                             $(O)/fuzz-work/ (fuzz/corpus/ is never written);
#                             FUZZ_NAMES="core elf" for some harnesses only
#   make tests / check        also build $(O)/fuzz-regress/* (normal compiler, same
#                             flags and sanitizers as the tests): tests/cli/fuzz_regress.sh
#                             replays fuzz/corpus/<harness>/ through them
# ======================================================================
FUZZ_CC ?= clang-19
BPF_CLANG ?= clang-19
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,$(O)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_REGRESS_BINS := $(patsubst %,$(O)/fuzz-regress/%,$(FUZZ_NAMES))
FUZZ_OBJ := $(O)/fuzz/core_local.bpf.o
FUZZ_HELPERS := tests/unit/helpers/btf_builder.c
FUZZ_HDRS := $(HDRS) fuzz/common.h
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -O1 -g -D_GNU_SOURCE -Iinclude -Ilibbtfx -Icore-reloc -Itests/unit/helpers \
	$(FUZZ_SAN) -Wall -Wno-unused-function
FUZZ_LIB_OBJS := $(patsubst %.c,$(O)/fuzz/lib/%.o,$(LIB_SRCS))
SECONDS ?= 60
RUNS ?= -1
# per harness: libFuzzer -max_len (default 8192)
FUZZ_MAXLEN_elf := 65536
FUZZ_MAXLEN_core := 16384
FUZZ_MAXLEN_diff := 16384
FUZZ_MAXLEN_image := 16384
FUZZ_RUN_FLAGS ?= -timeout=10 -rss_limit_mb=2560 -print_final_stats=1
# open findings whose invariant the campaign skips (fuzz/common.h fz_ignored)
FUZZ_IGNORE ?=

.PHONY: fuzz fuzz-run
fuzz: $(FUZZ_BINS)
tests: $(FUZZ_REGRESS_BINS)

$(O)/fuzz/lib/%.o: %.c $(HDRS)
	$(msg) FUZZCC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(O)/fuzz/libbtfx-fuzz.a: $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_OBJ): fuzz/core_local.bpf.c
	$(msg) CLANG $@
	@mkdir -p $(@D)
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -I/usr/include/$(shell gcc -print-multiarch) -c $< -o $@.tmp
	$(Q)llvm-objcopy-19 --strip-debug $@.tmp $@ && rm -f $@.tmp

$(O)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_HDRS) $(FUZZ_HELPERS) $(O)/fuzz/libbtfx-fuzz.a $(FUZZ_OBJ)
	$(msg) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFZ_CORE_OBJ='"$(FUZZ_OBJ)"' -o $@ $< $(FUZZ_HELPERS) \
		$(O)/fuzz/libbtfx-fuzz.a $(LIBS)

$(O)/fuzz-regress/%: fuzz/fuzz_%.c fuzz/regress.c $(FUZZ_HDRS) $(FUZZ_HELPERS) $(STATIC_LIB) $(FUZZ_OBJ)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -Itests/unit/helpers $(CFLAGS) -DFZ_CORE_OBJ='"$(FUZZ_OBJ)"' -o $@ $< fuzz/regress.c \
		$(FUZZ_HELPERS) $(STATIC_LIB) $(SAN_LDFLAGS) $(LDFLAGS) $(LIBS)

# Each harness for $(SECONDS) s on a copy of its corpus (without the open-*
# reproducers of known findings); crashes land in
# $(O)/fuzz-work/NAME-artifacts/.  Minimize one (fuzz_NAME -minimize_crash=1)
# before adding it to fuzz/corpus/NAME/ by hand.
fuzz_maxlen = $(or $(FUZZ_MAXLEN_$(1)),8192)
FUZZ_RUN_ONE = w=$(O)/fuzz-work/$$n; rm -rf $$w $$w-artifacts; mkdir -p $$w/corpus $$w-artifacts; \
	find fuzz/corpus/$$n -maxdepth 1 -type f ! -name 'open-*' -exec cp {} $$w/corpus/ \; ; \
	echo "== fuzz_$$n ($(SECONDS) s, -max_len=$$ml)"; \
	FZ_IGNORE=$(FUZZ_IGNORE) $(O)/fuzz/fuzz_$$n $(FUZZ_RUN_FLAGS) -max_total_time=$(SECONDS) -runs=$(RUNS) -max_len=$$ml \
		-artifact_prefix=$$w-artifacts/ $$w/corpus 2>$$w.log; rc=$$?; \
	grep -E 'cov: [0-9]+ ft: [0-9]+' $$w.log | tail -1; grep -E '^stat::number_of_executed_units' $$w.log; \
	grep -m3 'runtime error' $$w.log; \
	if [ $$rc -ne 0 ]; then echo "fuzz_$$n: FAILED (exit $$rc), see $$w.log"; fail="$$fail $$n"; fi

fuzz-run: fuzz
	@fail=; $(foreach n,$(FUZZ_NAMES),n=$(n); ml=$(call fuzz_maxlen,$(n)); $(FUZZ_RUN_ONE);) \
	if [ -n "$$fail" ]; then echo "failed:$$fail"; exit 1; fi

# allocation-failure injection: the test wraps the allocator (tests/unit/test_alloc_fail.c)
$(O)/tests/test_alloc_fail: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=free
