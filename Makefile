# Non-recursive build for the featureset component.
#
#   make              library (static + shared) and build/xen-cpuid
#   make run          build, then run xen-cpuid on the simulated hypervisor
#   make check        the cmocka suite, plain and under ASan+UBSan
#   make cycles       fail on a dependency circle between object files
#                     (part of make test; CYCLE_DIRS says whose)
#   make deps         install missing Debian packages (needs root)
#   make fuzz         libFuzzer targets (clang)
#   make install      library, headers, pkg-config file, xen-cpuid, xen-sim,
#                     man pages
#                     (PREFIX=/usr/local, LIBDIR=PREFIX/lib, DESTDIR= for
#                     staging)
#   make valgrind     every test program (and the tool they run) under valgrind
#
# Sources are picked up by directory, so adding a file needs no edit here.

BUILD   ?= build
CC      ?= cc
SAN     ?=
PKGS     = libxml-2.0 xencontrol xenguest xenlight xentoollog yajl
CFLAGS  ?= -O2 -g
STD      = -std=c11
WARN     = -Wall -Wextra -Werror $(STD) -D_GNU_SOURCE
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# Tests that call libxencall themselves (under xen-sim); not the library's.
XENCALL_LIBS := $(shell pkg-config --libs xencall 2>/dev/null)
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ifeq ($(SAN),fuzz)
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
endif
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS) -fPIC -I. $(PKG_CFLAGS)
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

# xen/ is freestanding: no libc headers beyond the compiler's own.
XEN_SRCS  = $(wildcard xen/lib/*.c xen/arch/*.c)
LIB_SRCS  = $(wildcard libxl_cpuid/*/*.c)
TOOL_SRCS = $(wildcard xen-cpuid/*.c)
TEST_SRCS = $(wildcard tests/*/test_*.c)
TEST_HELPERS = $(wildcard tests/helpers/*.c)

# Xen's own installed headers need GNU C (__align8__ etc.): only the files
# that include them (named xen-*.c in the library) are built as gnu11;
# everything else is strict C11.
$(BUILD)/obj/tests/%.o: STD = -std=gnu11
$(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard libxl_cpuid/*/xen-*.c)): STD = -std=gnu11
# xen-sim/ serves the hypercalls over <xen/sysctl.h> and <xen/domctl.h>,
# which only the toolstack may include (__XEN_TOOLS__).
$(BUILD)/obj/xen-sim/%.o: STD = -std=gnu11 -D__XEN_TOOLS__

XEN_OBJS  = $(XEN_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_OBJS = $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)
HELPER_OBJS = $(TEST_HELPERS:%.c=$(BUILD)/obj/%.o)
TESTS     = $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

LIBA  = $(BUILD)/libxl_cpuid.a
LIBSO = $(BUILD)/libxl_cpuid.so
TOOL  = $(BUILD)/xen-cpuid
SIM   = $(BUILD)/xen-sim
SIMSO = $(BUILD)/libxen-sim.so

# The shared library's ABI: soname major, real-name version, and the
# version script exporting what the installed headers declare (xlc_* and
# xfs_*; internal headers hide theirs).
VERSION = 0.1.0
SONAME  = libxl_cpuid.so.0
LIBMAP  = libxl_cpuid/libxl_cpuid.map

.PHONY: all run check test test-asan deps clean freestanding cycles fuzz fuzz-targets \
	fuzz-run bench install uninstall valgrind
all: $(LIBA) $(LIBSO) $(TOOL) $(SIM) $(SIMSO)

$(BUILD)/obj/xen/%.o: xen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) -fPIC -ffreestanding -I. -I$(GEN) -MMD -MP -c $< -o $@

# Tables computed on the build machine for xen/ (constant data, no state):
# the deep-dependency closure.  The generator fails the build when the
# direct table has a cycle.
GEN = $(BUILD)/gen
GEN_DEEP_DEPS = $(BUILD)/tools/gen-deep-deps
$(GEN_DEEP_DEPS): xen/tools/gen-deep-deps.c xen/lib/featureset-ops.c \
		xen/lib/deep-deps-table.h xen/lib/featureset.h $(wildcard public/arch-x86/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -I. -o $@ xen/tools/gen-deep-deps.c xen/lib/featureset-ops.c
$(GEN)/deep-deps-closure.h: $(GEN_DEEP_DEPS)
	@mkdir -p $(dir $@)
	$(GEN_DEEP_DEPS) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/xen/lib/deep-deps.o: $(GEN)/deep-deps-closure.h

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIBA): $(XEN_OBJS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBSO): $(XEN_OBJS) $(LIB_OBJS) $(LIBMAP)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script,$(LIBMAP) \
	  $(LDFLAGS_ALL) -o $@ $(XEN_OBJS) $(LIB_OBJS) $(PKG_LIBS)

# The version --version prints (options.o is rebuilt when it changes).
$(BUILD)/obj/xen-cpuid/options.o: ALL_CFLAGS += -DXFS_VERSION='"$(VERSION)"'
$(BUILD)/obj/xen-cpuid/options.o: Makefile

# The tool's start-up, which every command pays.  Xen's control libraries
# are opened when a backend first needs them (xen-cpuid/xenctrl-lazy.c).
# libxml2 and what it brings (ICU, zlib, liblzma, libstdc++) and yajl are
# linked in from their Debian -dev packages' static archives: mapping and
# relocating a dozen shared libraries was most of a short command's time.
# TOOL_STATIC=no links them as shared libraries (sanitised builds always
# do).
TOOL_STATIC ?= yes
XENGUEST_SONAME := $(shell objdump -p \
	$$(pkg-config --variable=libdir xenguest 2>/dev/null)/libxenguest.so \
	2>/dev/null | awk '/SONAME/ { print $$2 }')
$(BUILD)/obj/xen-cpuid/xenctrl-lazy.o: STD = -std=gnu11
ifneq ($(XENGUEST_SONAME),)
$(BUILD)/obj/xen-cpuid/xenctrl-lazy.o: \
	ALL_CFLAGS += -DXFS_XENGUEST_SONAME='"$(XENGUEST_SONAME)"'
endif
XEN_LIBS = -lxenctrl -lxenguest -lxenlight -lxentoollog
TOOL_LD   = $(CC)
TOOL_LIBS = $(filter-out $(XEN_LIBS),$(PKG_LIBS)) -ldl -lpthread
ifeq ($(TOOL_STATIC)$(SAN),yes)
TOOL_LD   = $(CXX) -static-libstdc++ -static-libgcc
TOOL_LIBS = -Wl,-Bstatic $(filter-out -lm,$(shell pkg-config --static \
	--libs-only-l libxml-2.0)) -lyajl_s -Wl,-Bdynamic -lm -ldl -lpthread
endif

$(TOOL): $(TOOL_OBJS) $(LIBA)
	$(TOOL_LD) $(LDFLAGS_ALL) -o $@ $(TOOL_OBJS) $(LIBA) $(TOOL_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(HELPER_OBJS) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(HELPER_OBJS) $(LIBA) $(PKG_LIBS) $(CMOCKA_LIBS) \
	  $(XENCALL_LIBS)

# xen-sim: the launcher (build/xen-sim) and the library it preloads
# (build/libxen-sim.so), which stands in for libxencall & co.  The preload
# goes into programs built without sanitizers (Xen's own tools), so it is
# always built plainly: a sanitised build copies the plain one.
SIM_SRCS     = $(wildcard xen-sim/*.c)
SIM_CORE     = $(BUILD)/obj/xen-sim/sim-state.o $(BUILD)/obj/xen-sim/sim-domains.o
SIM_PRELOAD  = $(filter-out $(BUILD)/obj/xen-sim/launcher.o, \
	$(SIM_SRCS:%.c=$(BUILD)/obj/%.o))
SIMMAP = xen-sim/preload.map
$(BUILD)/obj/xen-sim/launcher.o: ALL_CFLAGS += -DXEN_SIM_LIBDIR='"$(LIBDIR)"'
$(BUILD)/obj/xen-sim/launcher.o: ALL_CFLAGS += \
	-DXEN_SIM_MULTIARCH='"$(shell $(CC) -print-multiarch 2>/dev/null)"'

$(SIM): $(BUILD)/obj/xen-sim/launcher.o $(SIM_CORE) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

ifeq ($(SAN),)
$(SIMSO): $(SIM_PRELOAD) $(LIBA) $(SIMMAP)
	$(CC) -shared -Wl,--version-script,$(SIMMAP) -Wl,--as-needed \
	  $(LDFLAGS) -o $@ $(SIM_PRELOAD) $(LIBA) $(PKG_LIBS)
else
# The plain preload, rebuilt by a plain make when a source changed (its
# prerequisites listed so that `make -q` can tell).
SIM_PLAIN = build/libxen-sim.so
$(SIM_PLAIN): $(SIM_SRCS) $(XEN_SRCS) $(LIB_SRCS) $(SIMMAP) \
	  $(wildcard xen-sim/*.h libxl_cpuid/*/*.h xen/*/*.h public/*.h public/*/*.h)
	$(MAKE) BUILD=build SAN= CFLAGS="-O2 -g" $@
	@touch $@
$(SIMSO): $(SIM_PLAIN)
	@mkdir -p $(dir $@)
	cp $< $@
endif

# libFuzzer targets: fuzz/fuzz_*.c, each exporting LLVMFuzzerTestOneInput.
FUZZ_SRCS = $(wildcard fuzz/fuzz_*.c)
FUZZERS   = $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: $(BUILD)/obj/fuzz/%.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(LIBA) $(PKG_LIBS)
fuzz-targets: $(FUZZERS)
fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang SAN=fuzz CFLAGS="-O1 -g" fuzz-targets
# Every target in turn for FUZZ_SECONDS each (the whole campaign takes
# that times the number of targets), each with its fuzz/TARGET.options
# (-max_len where its readers' limits need large inputs), a per-input
# timeout (an input at or past a limit is decided in well under a second)
# and a memory cap.  A failing target does not stop the others; the table
# at the end gives each one's runs, and the exit status says whether all
# were clean.  Crash inputs go to build/fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?= -timeout=10 -rss_limit_mb=2560 -print_final_stats=1
fuzz-run: fuzz
	@mkdir -p build/fuzz/artifacts build/fuzz/logs; fail=""; table=""; \
	for f in build/fuzz/fuzz/fuzz_*; do n=$$(basename $$f); \
	  mkdir -p fuzz/corpus/$$n; echo "== $$n ($(FUZZ_SECONDS)s)"; \
	  opts=$$(cat fuzz/$$n.options 2>/dev/null); \
	  if $$f -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) $$opts \
	      -artifact_prefix=build/fuzz/artifacts/$$n- fuzz/corpus/$$n \
	      > build/fuzz/logs/$$n.log 2>&1; then res=clean; \
	  else res=FAILED; fail="$$fail $$n"; tail -30 build/fuzz/logs/$$n.log; fi; \
	  runs=$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' build/fuzz/logs/$$n.log); \
	  table="$$table$$(printf '%-24s %-7s %12s runs' $$n $$res "$${runs:-?}")\n"; \
	done; printf "\n$$table"; \
	if [ -n "$$fail" ]; then echo "fuzz-run: failed:$$fail"; exit 1; fi; \
	echo "fuzz-run: every target clean"

# The README's first command: install what is missing, build, run the tool
# on the simulated hypervisor over the live CPU (or real Xen when present).
run: deps
	$(MAKE) all
	./$(TOOL)

# Benchmarks, never part of the tests: bench/run.sh prints the table.
# virsh (the peer the bench compares with) comes from these packages.
BENCH_PKGS = libvirt-clients libvirt-daemon python3
bench: all
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(BENCH_PKGS)"
	@XFS_DATA=$${XFS_DATA:-$(CURDIR)/tests/data} BUILD=$(BUILD) CC=$(CC) \
	  PKG_CFLAGS="$(PKG_CFLAGS)" PKG_LIBS="$(PKG_LIBS)" sh bench/run.sh

# The xen/ objects must not call into libc (or anything outside xen/), nor
# keep writable data (.data/.bss): the core is constant tables and code.
# (ASan's one-byte ODR indicators, __odr_asan.*, are the sanitizer's own.)
freestanding: $(XEN_OBJS)
	@undef=$$(nm -u $(XEN_OBJS) | awk 'NF==2{print $$2}' | sort -u | \
	  grep -v -E '^(__asan_|__ubsan_|__sanitizer_|_GLOBAL_OFFSET_TABLE_)' | \
	  grep -v -x -F "$$(nm --defined-only $(XEN_OBJS) | awk 'NF==3{print $$3}')" || true); \
	if [ -n "$$undef" ]; then echo "xen/ uses outside symbols: $$undef"; exit 1; fi; \
	mut=$$(objdump -t $(XEN_OBJS) | awk '$$NF != $$4 && $$4 ~ /^\.(data|bss|tdata|tbss)$$/ && $$NF !~ /^__odr_asan/ {print $$NF}'); \
	if [ -n "$$mut" ]; then echo "xen/ has mutable globals: $$mut"; exit 1; fi; \
	echo "freestanding: xen/ objects reference nothing outside xen/ and hold no mutable globals"

# No two objects may depend on each other in a circle (A uses a symbol B
# defines, B one of A's, however indirectly): tests/object-cycles.sh
# names every circle and fails.  CYCLE_DIRS says whose objects are
# checked: the core, the library, the simulated hypervisor and the tool.
CYCLE_DIRS ?= xen libxl_cpuid xen-sim xen-cpuid
CYCLE_OBJS  = $(filter $(foreach d,$(CYCLE_DIRS),$(BUILD)/obj/$(d)/%), \
	$(XEN_OBJS) $(LIB_OBJS) $(SIM_SRCS:%.c=$(BUILD)/obj/%.o) $(TOOL_OBJS))
cycles: $(CYCLE_OBJS)
	@sh tests/object-cycles.sh $(CYCLE_OBJS)

# How tests run each program and which xen-cpuid they call (make valgrind
# puts both under valgrind).
TEST_RUNNER ?=
TEST_TOOL   ?= $(abspath $(TOOL))

test: all $(TESTS) freestanding cycles
	@export XFS_DATA=$${XFS_DATA:-$(CURDIR)/tests/data} XFS_TOOL=$(TEST_TOOL) \
	   XFS_BUILD=$(BUILD) XFS_SAN=$(SAN); \
	 pass=0; fail=0; failed=""; \
	 for t in $(TESTS); do echo "== $$t"; \
	   if $(TEST_RUNNER) $$t; then pass=$$((pass+1)); else fail=$$((fail+1)); failed="$$failed $$t"; fi; \
	 done; \
	 [ -z "$$failed" ] || echo "failed programs:$$failed"; \
	 echo "programs: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

test-asan:
	$(MAKE) BUILD=build/asan SAN=1 CFLAGS="-O1 -g" test

# Every test program under valgrind (memcheck), on a plain build: errors and
# definite/indirect leaks fail.  The xen-cpuid the tests run is a wrapper
# running it under valgrind too, exiting 99 on an error so that no test can
# take it for one of the tool's own exit codes.  tests/valgrind.supp is for
# errors inside the installed Xen/libxml2 libraries only, each explained.
# VALGRIND_TOOL=no runs the tool natively (the tool-heavy tests dominate).
VALGRIND_TOOL ?= yes
VALGRIND = valgrind -q --leak-check=full \
	--errors-for-leak-kinds=definite,indirect \
	--suppressions=$(CURDIR)/tests/valgrind.supp
VG_BUILD = build/valgrind
VG_TOOL  = $(CURDIR)/$(VG_BUILD)/xen-cpuid-valgrind
valgrind:
	$(MAKE) BUILD=$(VG_BUILD) SAN= all
	printf '#!/bin/sh\nexec %s --error-exitcode=99 %s "$$@"\n' \
	  '$(VALGRIND)' '$(CURDIR)/$(VG_BUILD)/xen-cpuid' > $(VG_TOOL)
	chmod +x $(VG_TOOL)
	$(MAKE) BUILD=$(VG_BUILD) SAN= \
	  TEST_TOOL=$(if $(filter yes,$(VALGRIND_TOOL)),$(VG_TOOL),$(CURDIR)/$(VG_BUILD)/xen-cpuid) \
	  TEST_RUNNER="$(VALGRIND) --error-exitcode=1" test

# The README's second command (and CI's): every test, plain and sanitised.
# (make valgrind is separate: it takes over ten minutes on two CPUs.)
check: deps
	$(MAKE) test
	$(MAKE) test-asan

# Installs what the build and tests need, only when something is missing.
DEB_PKGS = build-essential pkg-config libxen-dev libxml2-dev libcmocka-dev \
	libvirt0 xen-utils-common xen-utils-4.17 cpuid clang libyajl-dev \
	valgrind groff-base
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi

# Install: the libraries (real name, soname and development links), the
# public headers (those the umbrella libxl_cpuid.h and libxl-list.h pull
# in) under include/libxl_cpuid/ with their includes rewritten for that
# layout (libxl_cpuid/install-headers.sh), the pkg-config file
# (libxl_cpuid/pc-file.sh: relocatable, whatever LIBDIR), the tool and its
# man page.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
HDRDIR      = $(INCLUDEDIR)/libxl_cpuid
ENTRY_HDRS  = libxl_cpuid/libxl_cpuid.h libxl_cpuid/libxl-list.h
PUBLIC_HDRS = $(shell $(CC) -x c $(STD) $(PKG_CFLAGS) -MM -MT h $(ENTRY_HDRS) | \
	sed -e 's/^h://' -e 's/\\//g' | tr ' ' '\n' | grep . | \
	xargs realpath -m --relative-to=. | grep -v '^\.\./' | sort -u)

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(HDRDIR)
	install -m 0644 $(LIBA) $(DESTDIR)$(LIBDIR)/libxl_cpuid.a
	install -m 0755 $(LIBSO) $(DESTDIR)$(LIBDIR)/libxl_cpuid.so.$(VERSION)
	ln -sfn libxl_cpuid.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/libxl_cpuid.so
	@# The header directory is ours alone: no header of an older install
	@# (or an older layout) is left behind.
	rm -rf $(DESTDIR)$(HDRDIR)
	sh libxl_cpuid/install-headers.sh $(DESTDIR)$(HDRDIR) $(PUBLIC_HDRS)
	sh libxl_cpuid/pc-file.sh '$(PREFIX)' '$(LIBDIR)' '$(INCLUDEDIR)' \
	  '$(PKGCONFIGDIR)' '$(VERSION)' '$(PKG_LIBS)' < libxl_cpuid/libxl_cpuid.pc.in \
	  > $(DESTDIR)$(PKGCONFIGDIR)/libxl_cpuid.pc.tmp
	mv $(DESTDIR)$(PKGCONFIGDIR)/libxl_cpuid.pc.tmp \
	  $(DESTDIR)$(PKGCONFIGDIR)/libxl_cpuid.pc
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/xen-cpuid
	install -m 0644 man/xen-cpuid.1 $(DESTDIR)$(MANDIR)/man1/xen-cpuid.1
	install -m 0755 $(SIM) $(DESTDIR)$(BINDIR)/xen-sim
	install -D -m 0644 $(SIMSO) $(DESTDIR)$(LIBDIR)/xen-sim/libxen-sim.so
	install -m 0644 man/xen-sim.1 $(DESTDIR)$(MANDIR)/man1/xen-sim.1
	@# A real install into a cached directory (/usr/local/lib) needs the
	@# loader cache refreshed; a staged one (DESTDIR) does not.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && \
	    command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libxl_cpuid.a \
	  $(DESTDIR)$(LIBDIR)/libxl_cpuid.so.$(VERSION) \
	  $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libxl_cpuid.so \
	  $(DESTDIR)$(PKGCONFIGDIR)/libxl_cpuid.pc $(DESTDIR)$(BINDIR)/xen-cpuid \
	  $(DESTDIR)$(MANDIR)/man1/xen-cpuid.1
	rm -f $(DESTDIR)$(BINDIR)/xen-sim $(DESTDIR)$(MANDIR)/man1/xen-sim.1
	rm -rf $(DESTDIR)$(LIBDIR)/xen-sim
	rm -rf $(DESTDIR)$(HDRDIR)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
