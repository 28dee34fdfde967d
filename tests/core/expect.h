/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host side of the CO-RE corpus targets (tests/bpf/core/targets/tgt_*.c).
 *
 * Each target file defines the target types once.  Compiled with
 * clang-19 -g -c -target bpf it is a target BTF (`--target tgt.o`);
 * compiled with the host compiler and -DBTFX_HOST it includes this header
 * and prints, for every relocation the corpus programs make against it,
 * the value the relocation must get, computed from the host compiler's own
 * layout (offsetof, sizeof, bit positions found by setting a bitfield to
 * all ones) rather than from any BTF.
 *
 * Output, one line per expectation:
 *     @GROUP                        the corpus program the next lines are for
 *     <kind> SPEC<TAB>VALUE         SPEC as in libbpf's spec format without the
 *                                   type id and the raw part ("struct s.a[2]",
 *                                   "enum e::A", "typedef t")
 * VALUE: a decimal u64, "poison", "error", or "tid:KIND:NAME" /
 * "lid:KIND:NAME" (the id of that type in the target / local BTF, looked
 * up with bpftool by the checker).
 */
#ifndef BTFX_TEST_EXPECT_H
#define BTFX_TEST_EXPECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GROUP(g) printf("@%s\n", g)
#define V(kind, spec, v) printf("<%s> %s\t%llu\n", kind, spec, (unsigned long long)(v))
#define POISON(kind, spec) printf("<%s> %s\tpoison\n", kind, spec)
#define ERROR(kind, spec) printf("<%s> %s\terror\n", kind, spec)
#define IDREF(kind, spec, ref) printf("<%s> %s\t%s\n", kind, spec, ref)

#define MSIZE(T, m) sizeof(((T *)0)->m)
#define IS_SIGNED_T(T) ((T)-1 < (T)0)

/* A plain (non-bitfield) integer or enum member: all six field kinds. */
#define INT_FIELD(spec, T, m)                                                                      \
	do {                                                                                       \
		size_t o_ = offsetof(T, m), s_ = MSIZE(T, m);                                      \
		V("byte_off", spec, o_);                                                           \
		V("byte_sz", spec, s_);                                                            \
		V("field_exists", spec, 1);                                                        \
		V("signed", spec, IS_SIGNED_T(__typeof__(((T *)0)->m)));                           \
		V("lshift_u64", spec, 64 - 8 * s_);                                                \
		V("rshift_u64", spec, 64 - 8 * s_);                                                \
	} while (0)

/* Any member or array element: offset and size (arrays: the whole array). */
#define OFF_SZ(spec, T, m)                                                                         \
	do {                                                                                       \
		V("byte_off", spec, offsetof(T, m));                                               \
		V("byte_sz", spec, MSIZE(T, m));                                                   \
	} while (0)

/* A field the target lacks (or has with an incompatible type). */
#define MISSING_FIELD(spec)                                                                        \
	do {                                                                                       \
		POISON("byte_off", spec);                                                          \
		POISON("byte_sz", spec);                                                           \
		V("field_exists", spec, 0);                                                        \
		POISON("signed", spec);                                                            \
		POISON("lshift_u64", spec);                                                        \
		POISON("rshift_u64", spec);                                                        \
	} while (0)

/*
 * Bit position of a member: zero an object, set the member to all ones and
 * look at which bits of the object changed (little-endian bit numbering,
 * as the BPF target).
 */
static inline void bit_pos(const unsigned char *b, size_t n, unsigned *off, unsigned *sz)
{
	unsigned first = ~0u, cnt = 0;
	for (size_t i = 0; i < n * 8; i++)
		if (b[i / 8] >> (i % 8) & 1) {
			if (first == ~0u)
				first = (unsigned)i;
			cnt++;
		}
	*off = first;
	*sz = cnt;
}

/*
 * A bitfield (or any integer member) of declared type size DECL bytes:
 * the values of llvm_reloc.rst's bitfield recipe for the target position
 * (load size grown by doubling until the field fits; more than 8 bytes is a
 * relocation error).  SIGNED is read back from the member itself.
 */
#define BITFIELD(spec, T, m, decl)                                                                 \
	do {                                                                                       \
		T v_;                                                                              \
		unsigned bo_, bs_, by_, bsz_ = (decl);                                             \
		int sg_, err_ = 0;                                                                 \
		memset(&v_, 0, sizeof(v_));                                                        \
		v_.m = -1;                                                                         \
		sg_ = v_.m < 0;                                                                    \
		bit_pos((const unsigned char *)&v_, sizeof(v_), &bo_, &bs_);                       \
		by_ = bo_ / 8 / bsz_ * bsz_;                                                       \
		while (bo_ + bs_ - by_ * 8 > bsz_ * 8) {                                           \
			if (bsz_ >= 8) {                                                           \
				err_ = 1;                                                          \
				break;                                                             \
			}                                                                          \
			bsz_ *= 2;                                                                 \
			by_ = bo_ / 8 / bsz_ * bsz_;                                               \
		}                                                                                  \
		if (err_) {                                                                        \
			ERROR("byte_off", spec);                                                   \
			ERROR("byte_sz", spec);                                                    \
			ERROR("lshift_u64", spec);                                                 \
			ERROR("rshift_u64", spec);                                                 \
			ERROR("signed", spec);                                                     \
			V("field_exists", spec, 1);                                                \
			break;                                                                     \
		}                                                                                  \
		V("byte_off", spec, by_);                                                          \
		V("byte_sz", spec, bsz_);                                                          \
		V("field_exists", spec, 1);                                                        \
		V("signed", spec, sg_);                                                            \
		V("lshift_u64", spec, 64 - (bo_ + bs_ - by_ * 8));                                 \
		V("rshift_u64", spec, 64 - bs_);                                                   \
	} while (0)

/*
 * byte_off of a field only accessed directly (LDX/ST/STX) whose local type
 * is an integer of LSZ bytes, signed if LSIGNED: when the sizes differ
 * libbpf can rewrite the access size only if both are unsigned integers;
 * otherwise the instruction is poisoned.
 */
#define LDX_INT(spec, T, m, lsz, lsigned)                                                          \
	do {                                                                                       \
		size_t s_ = MSIZE(T, m);                                                           \
		int ts_ = IS_SIGNED_T(__typeof__(((T *)0)->m));                                    \
		if (s_ != (size_t)(lsz) && ((lsigned) || ts_))                                     \
			POISON("byte_off", spec);                                                  \
		else                                                                               \
			V("byte_off", spec, offsetof(T, m));                                       \
	} while (0)

/* Type-based kinds of a type the target has. */
#define TYPE_KINDS(spec, T, matches, tid, lid)                                                     \
	do {                                                                                       \
		IDREF("local_type_id", spec, lid);                                                 \
		IDREF("target_type_id", spec, tid);                                                \
		V("type_exists", spec, 1);                                                         \
		V("type_size", spec, sizeof(T));                                                   \
		V("type_matches", spec, matches);                                                  \
	} while (0)

/* Type-based kinds when no target type is compatible (or none exists). */
#define TYPE_ABSENT(spec, lid)                                                                     \
	do {                                                                                       \
		IDREF("local_type_id", spec, lid);                                                 \
		V("target_type_id", spec, 0);                                                      \
		V("type_exists", spec, 0);                                                         \
		V("type_size", spec, 0);                                                           \
		V("type_matches", spec, 0);                                                        \
	} while (0)

/* enumval kinds: the value as libbpf patches it, sign-extended from the
 * enumerator's C type (libbpf reads a 32-bit enumerator as s32) */
#define ENUMV(spec, val)                                                                           \
	do {                                                                                       \
		V("enumval_exists", spec, 1);                                                      \
		V("enumval_value", spec, (uint64_t)(val));                                         \
	} while (0)
#define ENUMV_ABSENT(spec)                                                                         \
	do {                                                                                       \
		V("enumval_exists", spec, 0);                                                      \
		POISON("enumval_value", spec);                                                     \
	} while (0)

#endif
