/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal state of a BTF object.
 *
 *   raw:   [ header | types ... | layout | strings ]   as read (input byte order)
 *   data:  the same blob in host byte order (== raw unless foreign endian)
 *
 * Types are never copied into per-type heap nodes: type_offs[i] is the byte
 * offset inside the type section of own type (start_id + i).  Ids below
 * start_id live in the base BTF (split BTF), id 0 is void.
 */
#ifndef BTFX_INTERNAL_H
#define BTFX_INTERNAL_H

#include "btfx/btfx.h"
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>

#define BTFX_HIDDEN __attribute__((visibility("hidden")))

struct btfx_name_index; /* hash: name -> ids */

struct btfx {
	char *path;
	enum btfx_source_kind src;
	const struct btfx *base;
	struct btfx *owned_base;  /* base we opened ourselves (auto base) */

	/* storage owners */
	void *map;                /* mmap of the whole file */
	size_t map_size;
	void *buf;                /* malloc'd buffer: decompressed image, read file */
	void *swapped;            /* host-order copy of a foreign-endian blob */
	void *elf;                /* Elf * kept open while raw points into it */
	int fd;

	const uint8_t *raw;       /* blob as read */
	size_t raw_size;
	const uint8_t *data;      /* host-order blob */
	bool foreign;

	struct btfx_header_info hdr;
	const uint8_t *types;     /* type section (host order) */
	const char *strs;         /* string section */
	const struct btfx_layout *layout; /* layout section or NULL */
	uint32_t layout_cnt;

	uint32_t start_id;        /* first own id (1 for non-split) */
	uint32_t nr_types;        /* own types */
	uint32_t n_named, n_named_ess; /* own types with a name_off; those besides without BTFX_ESS_SKIP kinds */
	const uint32_t *ess_ids;  /* while opening: (id, name_off) pairs of the essential index's own entries, in id order, if known */
	const uint32_t *ess_hashes; /* and their essential-name hashes (0: skip), if computed */
	uint32_t n_ess_ids;
	uint32_t start_str_off;   /* first own string offset */
	uint32_t *type_offs;
	uint8_t *kinds;           /* btfx_kind() per own type (same allocation as type_offs) */

	uint32_t flags;

	/* kernel-style resolve results (validate.c), per own type: the
	 * resolved size for an ARRAY, the resolved id for any other kind */
	uint32_t *res;

	/* lazily built indexes */
	struct btfx_name_index *names;
	uint32_t *ref_start, *ref_ids; /* referrers CSR, over all ids */
};

static inline const struct btfx_type *btfx__type(const struct btfx *btf, uint32_t id)
{
	while (id < btf->start_id)
		btf = btf->base;
	return (const struct btfx_type *)(btf->types + btf->type_offs[id - btf->start_id]);
}

static inline const char *btfx__str(const struct btfx *btf, uint32_t off)
{
	while (off < btf->start_str_off)
		btf = btf->base;
	return btf->strs + (off - btf->start_str_off);
}

/* size in bytes of a type record, or 0 if unknown kind without layout */
BTFX_HIDDEN size_t btfx__type_size(const struct btfx *btf, const struct btfx_type *t, uint64_t *need);
/* Framing output: one entry per record, from index n on (btf.c). */
struct btfx_frame_out {
	uint32_t *offs;
	uint8_t *kinds;
	uint32_t n, named, named_ess;
	uint32_t off; /* where framing stopped: the next record */
};
/* Frame records from fo->off while below stop into fo's arrays (from fo->n on);
 * id0 is the id of entry 0.  0, or -1 with *err set (err may be NULL). */
BTFX_HIDDEN int btfx__frame_plain(const struct btfx *btf, uint32_t stop, uint32_t id0, struct btfx_frame_out *fo,
				  struct btfx_error *err);
/* fo zeroed, with arrays for cap entries (one allocation at fo->offs) */
BTFX_HIDDEN bool btfx__frame_alloc(struct btfx_frame_out *fo, uint32_t cap);
/* Framing with a validation job (see parse_types()): _split publishes where
 * the caller is and returns the helper's split offset to stop at, or 0;
 * _join, once there (exact: landed on it), appends the helper's entries and
 * moves fo->off to the end, or leaves fo for the caller to go on. */
struct btfx_vjob;
BTFX_HIDDEN uint32_t btfx__vjob_frame_split(struct btfx_vjob *job, uint32_t off);
BTFX_HIDDEN int btfx__vjob_frame_join(struct btfx_vjob *job, struct btfx_frame_out *fo, bool exact);
/*
 * BTFX_F_REFS_ONLY: btfx_check_refs()'s checks folded into framing, while
 * each record is in cache: the largest type id and string offset any
 * record references, and each FUNC's FUNC_PROTO, when it comes earlier,
 * through kinds[].  A later or missing FUNC_PROTO, kind 0, or a bound
 * exceeded sends the caller to btfx__check_refs() for the exact verdict
 * and message (the first bad type in id order).
 */
struct btfx_refs_acc {
	uint32_t max_ref, max_name;
	bool recheck;
	uint32_t *ess_ids, n_ess; /* BTFX_F_INDEX_ESSENTIAL: (id, name_off) of the essential index's own entries */
};
/* the checks for own entries [from, to), framed already (btf.c) */
BTFX_HIDDEN void btfx__refs_scan(const struct btfx *btf, uint32_t from, uint32_t to, struct btfx_refs_acc *acc);
/* A helper thread on another CPU than the caller's (validate.c); -1 when
 * there is only one CPU to run on.  The thread calls _unpin() first. */
BTFX_HIDDEN int btfx__helper_start(pthread_t *th, void *(*fn)(void *), void *arg, cpu_set_t *cpus, bool *pinned);
BTFX_HIDDEN void btfx__helper_unpin(const cpu_set_t *cpus, bool pinned);
/* The essential-name hashes of a framing's (id, name_off) list and the
 * BTFX_F_REFS_ONLY checks of its records, on a helper thread while the
 * caller frames (index.c): _publish() after each slice with the list
 * entries and the types framed so far; _finish() with the totals adds the
 * checks' results to *acc and returns the hashes (0: no entry; the caller
 * frees them), or cancels (keep false) with NULL. */
struct btfx_hjob;
BTFX_HIDDEN struct btfx_hjob *btfx__hash_start(const struct btfx *btf, const uint32_t *ess_ids);
BTFX_HIDDEN void btfx__hash_publish(struct btfx_hjob *j, uint32_t n_ess, uint32_t n_types);
BTFX_HIDDEN uint32_t *btfx__hash_finish(struct btfx_hjob *j, uint32_t n_ess, uint32_t n_types, bool keep,
					struct btfx_refs_acc *acc);
/* Validation: _start (before the framing) may launch a helper thread for a
 * large BTF, NULL otherwise; btfx__validate() consumes the job; _end
 * cancels one when validation does not run. */
struct btfx_vjob;
BTFX_HIDDEN struct btfx_vjob *btfx__validate_start(const struct btfx *btf);
BTFX_HIDDEN void btfx__validate_end(struct btfx_vjob *job);
BTFX_HIDDEN int btfx__validate(struct btfx *btf, struct btfx_vjob *job, struct btfx_error *err);
BTFX_HIDDEN void btfx__err_prefix(struct btfx_error *err, const char *path);
BTFX_HIDDEN struct btfx *btfx__parse_blob(const void *data, size_t size, const char *path,
					  const struct btfx_open_opts *opts, struct btfx_error *err);
BTFX_HIDDEN const char *btfx__kind_name(unsigned kind);
BTFX_HIDDEN void btfx__names_free(struct btfx_name_index *ni);

#define BTFX_OPTS_GET(opts, field, def) \
	((opts) && (opts)->sz >= offsetof(struct btfx_open_opts, field) + sizeof((opts)->field) ? \
	 (opts)->field : (def))
/* btfx_check_refs(); with_path false leaves the file name to the caller's prefix */
int btfx__check_refs(const struct btfx *btf, struct btfx_error *err, bool with_path);

/* Map the pages of a fresh allocation in one call (a fault each on first touch
 * costs more); a hint, without effect on contents. */
void btfx__populate(void *p, size_t size);

/* Build the name (ess=false) or essential-name index now; 0 or -ENOMEM. */
int btfx__names_build(struct btfx *btf, bool ess);

/* kinds CO-RE never relocates: kept out of the essential-name index */
#define BTFX_ESS_SKIP_MASK ((1u << BTFX_KIND_FUNC) | (1u << BTFX_KIND_VAR) | (1u << BTFX_KIND_DATASEC) | (1u << BTFX_KIND_DECL_TAG))
static inline bool btfx__ess_skip(unsigned k)
{
	return k < 32 && ((BTFX_ESS_SKIP_MASK >> k) & 1);
}

#endif
