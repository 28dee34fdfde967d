/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to core-reloc (not installed, not exported): the TYPE_MATCHES
 * decision of core.c, shared with deps.c, which records what a successful
 * match compared.
 */
#ifndef BTFX_CORE_MATCH_H
#define BTFX_CORE_MATCH_H

#include <stdint.h>

#include "btfx/btfx.h"

enum btfx_tm_event {
	BTFX_TM_SHAPE,   /* type tid read as a shape (kind, name, size, flags) */
	BTFX_TM_MEMBER,  /* member idx of composite tid matched a local member */
	BTFX_TM_ENUMVAL, /* enumerator idx of enum tid matched a local enumerator */
};

typedef void (*btfx_tm_event_fn)(void *arg, uint32_t tid, uint32_t idx, enum btfx_tm_event ev);

/*
 * libbpf's bpf_core_types_match(local_btf, lid, targ_btf, tid), computed
 * in time polynomial in the two BTFs (see core.c): 1 match, 0 no match,
 * <0 error (-EINVAL as libbpf's; -ENOMEM, or -E2BIG past the limit of
 * type pairs in one decision, are this implementation's).  With ev, and
 * only when it returns 1, ev is called for what the match compared: every
 * target type it read, the target member chosen for each local member and
 * the target enumerator for each local enumerator, once per pair of types
 * compared (not once per path as libbpf would meet them).
 */
int btfx__core_types_match(const struct btfx *lb, uint32_t lid, const struct btfx *tb, uint32_t tid, btfx_tm_event_fn ev,
			   void *arg);

#endif
