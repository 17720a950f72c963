# xlat - plain make build.  One output directory per mode: o/$(MODE)/.
#   make                 build o/release/xlat-i386
#   make demo            install deps, build, run the bundled demo under xlat-i386
#   make check           install deps, build, run every test; ends "N passed, N failed"
#   make check-rootfs    Debian i386 programs (bash, python3, gcc ...) vs native
#   make bench           native vs xlat-i386 vs qemu-i386
#   make asan / ubsan    sanitizer builds (o/asan, o/ubsan) and their checks
#   make fuzz SECONDS=N  run the fuzzers
#   make testfloat N=n   x87 soft float vs host x87, n operands per operation
MODE ?= release
O ?= o/$(MODE)
CC ?= gcc
GUEST_CC ?= gcc

WARN := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Isrc -g $(WARN) -fno-strict-aliasing
# Release and debug programs are linked static (not PIE): no dynamic loader
# at start-up (it spent ~1 ms of each run relocating libcapstone's pointer
# tables) and ~0.8 MiB less resident memory; binfmt_misc can run it in a
# chroot.  The sanitizers need dynamic linking.
ifeq ($(MODE),release)
CFLAGS_MODE := -O2
LDFLAGS_MODE := -static
else ifeq ($(MODE),debug)
CFLAGS_MODE := -O0 -DXLAT_DEBUG
LDFLAGS_MODE := -static
else ifeq ($(MODE),asan)
CFLAGS_MODE := -O1 -DXLAT_DEBUG -fsanitize=address -fno-omit-frame-pointer
LDFLAGS_MODE := -fsanitize=address
else ifeq ($(MODE),ubsan)
CFLAGS_MODE := -O1 -DXLAT_DEBUG -fsanitize=undefined -fno-sanitize-recover=undefined
LDFLAGS_MODE := -fsanitize=undefined
endif
CFLAGS ?=
ALL_CFLAGS := $(CFLAGS_BASE) $(CFLAGS_MODE) $(CFLAGS)
LDLIBS := -lcapstone -lm -lpthread

LIB_SRCS := $(shell find src -name '*.c' ! -path 'src/tools/*' | sort)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
TOOLS := $(O)/xlat-i386

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/unit/%)

GUEST_SRCS := $(wildcard tests/guest/*.c)
GUEST_CFLAGS := -m32 -static -O1 -fno-pie -no-pie -g0 -w
# A guest source whose first line is "// build: static-pie" is linked static-pie.
GUEST_PIE_CFLAGS := -m32 -static-pie -fPIE -O1 -g0 -w
guest_cflags = $(if $(shell head -n1 $(1) | grep -F '// build: static-pie'),$(GUEST_PIE_CFLAGS),$(GUEST_CFLAGS))
GUEST_BINS := $(GUEST_SRCS:tests/guest/%.c=o/guest/%)

.PHONY: all deps demo check check-rootfs check-unit check-guest bench asan ubsan fuzz testfloat clean format
all: $(TOOLS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/libxlat.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/xlat-i386: $(O)/src/tools/xlat-i386.o $(O)/libxlat.a
	$(CC) $(LDFLAGS_MODE) -o $@ $^ $(LDLIBS)

$(O)/tests/unit/%: tests/unit/%.c tests/unit/unit.h $(O)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS_MODE) -o $@ $< $(O)/libxlat.a $(LDLIBS)

# Guest programs are built once (o/guest), whatever the mode.
o/guest/%: tests/guest/%.c tests/guest/guest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(call guest_cflags,$<) -o $@ $< -lm
# test-randseq-*.c (sse, x87, ssefp, ...) include test-randseq.c
$(filter o/guest/test-randseq-%,$(GUEST_BINS)): tests/guest/test-randseq.c

deps:
	@scripts/install-deps

demo: deps all
	@scripts/demo $(O)/xlat-i386

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(GUEST_BINS)
	@scripts/check O=$(O)

# Real Debian i386 software under xlat vs natively (cached rootfs; see the script).
check-rootfs: deps all
	@scripts/check-rootfs O=$(O)

bench: deps all
	@scripts/bench $(O)/xlat-i386

asan:
	@$(MAKE) --no-print-directory MODE=asan check
ubsan:
	@$(MAKE) --no-print-directory MODE=ubsan check

fuzz: deps
	@scripts/fuzz $(SECONDS)

# x87 soft float vs the host x87: N operands per operation (default 1000000).
testfloat: $(O)/tests/unit/test-fpu-soft
	@scripts/testfloat O=$(O) $(N)

format:
	clang-format -i $$(find src tests/unit tests/fuzz -name '*.[ch]')

clean:
	rm -rf o

-include $(LIB_OBJS:.o=.d) $(O)/src/tools/xlat-i386.d
