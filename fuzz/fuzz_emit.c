// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: the C header emitter (include/btfx/emit.h) on every
 * accepted raw BTF blob: sorted and id order, with layout asserts, a
 * subset of roots, and a writer that gives up half way.  It must
 * terminate, and either succeed with consistent output or fail with an
 * error (never half a buffer).
 */
#include "btfx/emit.h"
#include "common.h"

struct stop_ctx {
	size_t seen, limit;
};

/* Output is bounded by the input: a hostile BTF must not make the emitter
 * write gigabytes (a few KB of input make at most a few hundred KB). */
#define OUT_PER_IN_BYTE 1000
#define OUT_SLACK ((size_t)1 << 20)

static int cap_writer(void *ctx, const char *data, size_t len)
{
	struct stop_ctx *s = ctx;

	(void)data;
	s->seen += len;
	return s->seen > s->limit ? -EFBIG : 0;
}

static int stop_writer(void *ctx, const char *data, size_t len)
{
	struct stop_ctx *s = ctx;

	(void)data;
	s->seen += len;
	return s->seen > s->limit ? -ECANCELED : 0;
}

static void emit_one(const struct btfx *btf, uint32_t flags, const uint32_t *roots, size_t nroots)
{
	struct btfx_emit_stats st = { .sz = sizeof(st) };
	struct btfx_emit_opts o = { .sz = sizeof(o), .flags = flags, .roots = roots, .nr_roots = nroots,
				    .stats = &st };
	struct btfx_error err;
	char *out = (char *)1;
	size_t len = 0;
	int rc = btfx_emit_c_buf(btf, &o, &out, &len, &err);

	if (rc) {
		FZ_ASSERT(rc < 0, "emit returned %d", rc);
		FZ_ASSERT(out == NULL, "failed emit left a buffer");
		fz_check_err(&err, "btfx_emit_c_buf");
		return;
	}
	FZ_ASSERT(out != NULL, "emit succeeded without output");
	FZ_ASSERT(strlen(out) == len, "emit: length %zu, text %zu", len, strlen(out));
	FZ_ASSERT(st.bytes == len, "emit stats: %llu bytes, output %zu", (unsigned long long)st.bytes, len);
	btfx_emit_buf_free(out);

	/* the same through a writer that stops half way */
	if (len > 1) {
		struct stop_ctx sc = { 0, len / 2 };
		rc = btfx_emit_c(btf, &o, stop_writer, &sc, &err);
		FZ_ASSERT(rc == -ECANCELED, "emit did not pass on the writer's error: %d", rc);
	}
}

static void on_btf(struct btfx *btf, bool validated, void *arg)
{
	uint32_t cnt = btfx_type_cnt(btf), roots[3], nroots = 0, *ids = NULL;
	size_t nids = 0, in_size = *(const size_t *)arg;
	struct btfx_emit_opts o = { .sz = sizeof(o), .flags = BTFX_EMIT_ASSERT_LAYOUT };
	struct stop_ctx cap = { 0, in_size * OUT_PER_IN_BYTE + OUT_SLACK };
	struct btfx_error err;
	int rc;

	(void)validated; /* the emitter must cope with unvalidated BTF too (F13: size overflow) */
	rc = btfx_emit_c(btf, &o, cap_writer, &cap, &err);
	if (rc == -EFBIG) {
		/* F6: the padding of a huge struct was written 8 bytes a line;
		 * F10: shared anonymous types were inlined at each use */
		FZ_ASSERT(0, "the emitter writes more than %zu bytes for a %zu-byte BTF", cap.limit, in_size);
		return;
	}
	emit_one(btf, 0, NULL, 0);
	emit_one(btf, BTFX_EMIT_ID_ORDER | BTFX_EMIT_ASSERT_LAYOUT | BTFX_EMIT_NO_DECL_TAGS, NULL, 0);
	for (uint32_t id = cnt - 1; id > 0 && nroots < 3; id -= id > 7 ? 7 : 1)
		roots[nroots++] = id;
	emit_one(btf, BTFX_EMIT_BODY_ONLY | BTFX_EMIT_ASSERT_LAYOUT, roots, nroots);
	for (uint32_t id = 0; id < cnt && id < 4096; id++)
		fz_sink += btfx_is_kfunc(btf, id);
	if (!btfx_emit_roots_from_local(btf, btf, &ids, &nids, NULL, NULL)) {
		for (size_t i = 0; i < nids; i++)
			FZ_ASSERT(ids[i] < cnt && (i == 0 || ids[i] > ids[i - 1]), "roots_from_local: bad id list");
	}
	free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_parse_all(data, size, NULL, on_btf, &size);
	return 0;
}
