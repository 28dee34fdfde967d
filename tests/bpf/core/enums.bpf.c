// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE corpus: enumval_exists / enumval_value on named, flavored and
 * typedef'd anonymous enums, ENUM64, signed enums, ENUM <-> ENUM64 in
 * both directions, a 32-bit unsigned enumerator >= 2^31 (libbpf reads it
 * as s32) and an enum the target lacks.
 * -DNO_EU_HI leaves out the relocation that fails against target A, so
 * that libbpf (which stops at a failure) reports the ones after it.
 * Targets: tests/bpf/core/targets/tgt_*.c (group "enums").
 */
#include "core_test.h"

enum e_named { EN_A = 1, EN_B = 2, EN_C = 3 };
enum e_named___v2 { EN_A___v2 = 100 };
typedef enum { EA_X = 5, EA_Y } e_anon_td;
enum e64 { E64_BIG = 0x1ffffffffULL, E64_SMALL = 2 };
enum e_neg { EN_NEG = -5, EN_POS = 7 };
enum e_cross { EC_A = 1, EC_B = 2 };
enum e_cross64 { EC64_A = 0x100000000ULL, EC64_B = 3 };
enum e_u32 { EU_HI = 0x80000000u, EU_LO = 1 };
enum e_gone { EG_1 = 1 };

SEC("raw_tp/sys_enter")
int enums(void *ctx)
{
	ENUMVAL(enum e_named, EN_A);
	ENUMVAL(enum e_named, EN_B);
	ENUMVAL(enum e_named, EN_C);
	ENUMVAL(enum e_named___v2, EN_A___v2);
	ENUMVAL(e_anon_td, EA_X);
	ENUMVAL(e_anon_td, EA_Y);
	ENUMVAL(enum e64, E64_BIG);
	ENUMVAL(enum e64, E64_SMALL);
	ENUMVAL(enum e_neg, EN_NEG);
	ENUMVAL(enum e_neg, EN_POS);
	ENUMVAL(enum e_cross, EC_A);
	ENUMVAL(enum e_cross, EC_B);
	ENUMVAL(enum e_cross64, EC64_A);
	ENUMVAL(enum e_cross64, EC64_B);
#ifndef NO_EU_HI /* fails against target A, in libbpf too: see tgt_a.c */
	ENUMVAL(enum e_u32, EU_HI);
#endif
	ENUMVAL(enum e_u32, EU_LO);
	ENUMVAL(enum e_gone, EG_1);
	return 0;
}
