// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool header: a vmlinux.h generator on top of the C emitter
 * (include/btfx/emit.h).  The whole header is built in memory first, so a
 * failed run never leaves a partial OUT; -o writes atomically and leaves an
 * identical OUT untouched (mtime included), so make does not rebuild.
 *
 * Minimal headers: --types NAME,... and --from-object OBJ select roots; the
 * emitter adds what they need.  --from-object reads the object's .BTF (not
 * its CO-RE records) and selects kernel types by CO-RE essential name, see
 * btfx_emit_roots_from_local() and docs/header.md.
 *
 * Speed: raw BTF input (/sys/kernel/btf/vmlinux, the common case) is opened
 * with structural checks only and the emitter (which bounds-checks every
 * reference) runs while a second thread validates the same blob with the
 * kernel's rules; the header is written only when validation passed, so
 * the result is what a validated open gives, in about the time of the
 * emitter alone.  Other inputs (ELF, vmlinuz, modules, BPF objects) are
 * opened as every command opens them: decompression or ELF parsing
 * dominates there.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btftool.h"
#include "btfx/emit.h"

static void header_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s header [FILE] [-B BASE] [-o OUT] [--types NAME,...] [--from-object OBJ]...\n"
		"                 [--assert-layout] [--unsorted] [--stats]\n"
		"  FILE               BTF source (default /sys/kernel/btf/vmlinux)\n"
		"  -B BASE            base BTF of a split (module) BTF; base types are included\n"
		"  -o OUT             write OUT atomically; an identical OUT is left untouched\n"
		"  --types NAME,...   only these types, kfuncs or enumerators' enums, and what they need\n"
		"  --from-object OBJ  only the types a BPF object's BTF uses, by essential name (repeatable)\n"
		"  --assert-layout    append _Static_asserts of sizeof/offsetof taken from the BTF\n"
		"  --unsorted         type-id order, as 'bpftool btf dump ... format c unsorted'\n"
		"  --stats            print what was emitted on stderr\n",
		prog_name);
}

struct idlist {
	uint32_t *a;
	size_t n, cap;
};

static int idlist_add(struct idlist *l, uint32_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint32_t *a = realloc(l->a, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		l->a = a;
		l->cap = cap;
	}
	l->a[l->n++] = id;
	return 0;
}

static bool selectable(const struct btfx *btf, uint32_t id)
{
	const struct btfx_type *t = btfx_type_by_id(btf, id);

	switch (btfx_kind(t)) {
	case BTFX_KIND_STRUCT: case BTFX_KIND_UNION: case BTFX_KIND_ENUM: case BTFX_KIND_ENUM64:
	case BTFX_KIND_TYPEDEF: case BTFX_KIND_FWD: case BTFX_KIND_INT: case BTFX_KIND_FLOAT:
		return true;
	case BTFX_KIND_FUNC:
		return btfx_is_kfunc(btf, id);
	default:
		return false;
	}
}

/* The enums that define an enumerator called name (an anonymous enum has
 * no other handle: `--types BPF_ANY`). */
static size_t select_enumerator(const struct btfx *btf, const char *name, struct idlist *roots)
{
	uint32_t cnt = btfx_type_cnt(btf);
	size_t found = 0;

	for (uint32_t id = 1; id < cnt; id++) {
		const struct btfx_type *t = btfx_type_by_id(btf, id);
		bool e64 = btfx_kind(t) == BTFX_KIND_ENUM64;

		if (!btfx_is_any_enum(t))
			continue;
		for (uint32_t i = 0; i < btfx_vlen(t); i++) {
			const char *s = btfx_str(btf, e64 ? btfx_enums64(t)[i].name_off : btfx_enums(t)[i].name_off);
			if (s && !strcmp(s, name)) {
				if (idlist_add(roots, id))
					return 0;
				found++;
				break;
			}
		}
	}
	return found;
}

/* Add every type (and kfunc) named name, or else the enums with an
 * enumerator of that name; 0, or EXIT_ERROR after a message. */
static int select_name(const struct btfx *btf, const char *name, struct idlist *roots)
{
	size_t n = btfx_find_all(btf, name, 0, NULL, 0), taken = 0;
	uint32_t *ids;
	unsigned other = 0;

	if (!n) {
		if (select_enumerator(btf, name, roots))
			return 0;
		p_err("%s: no type or enumerator named '%s'", btfx_path(btf), name);
		return EXIT_ERROR;
	}
	ids = malloc(n * sizeof(*ids));
	if (!ids) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	btfx_find_all(btf, name, 0, ids, n);
	for (size_t i = 0; i < n; i++) {
		if (!selectable(btf, ids[i])) {
			other = btfx_kind(btfx_type_by_id(btf, ids[i]));
			continue;
		}
		if (idlist_add(roots, ids[i])) {
			free(ids);
			p_err("out of memory");
			return EXIT_ERROR;
		}
		taken++;
	}
	free(ids);
	if (!taken) {
		p_err("%s: '%s' is a %s, not a type or a kfunc", btfx_path(btf), name, btfx_kind_str(other));
		return EXIT_ERROR;
	}
	return 0;
}

static int select_names(const struct btfx *btf, const char *list, struct idlist *roots)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int rc = 0, any = 0;

	if (!copy) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		rc = select_name(btf, tok, roots);
		any = 1;
	}
	free(copy);
	if (!rc && !any) {
		p_err("header: --types needs at least one name");
		rc = EXIT_ERROR;
	}
	return rc;
}

static void note_skipped(void *ctx, const char *kind, const char *name)
{
	fprintf(stderr, "%s: note: %s: %s %s differs from the kernel's (the program's own type?): not included\n",
		prog_name, (const char *)ctx, kind, name);
}

static int select_object(const struct btfx *btf, const char *path, struct idlist *roots)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_AUTO_BASE };
	struct btfx_error err;
	struct btfx *obj = btfx_open(path, &o, &err);
	int e;

	if (!obj)
		return p_btfx_err(&err);
	e = btfx_emit_roots_from_local(btf, obj, &roots->a, &roots->n, note_skipped, (void *)path);
	roots->cap = roots->n;
	btfx_free(obj);
	if (e) {
		p_err("%s: %s", path, strerror(-e));
		return EXIT_ERROR;
	}
	return 0;
}

/* Kernel-rules validation of the blobs already read, in parallel with the
 * emitter (see the top of the file). */
struct validation {
	const struct btfx *btf, *base; /* base: opened by us, not yet validated */
	struct btfx_error err;
	int failed;
};

static void *validate_thread(void *arg)
{
	struct validation *v = arg;
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_AUTO_BASE };
	struct btfx *vbase = NULL, *vbtf;
	const void *data;
	size_t size;

	if (v->base) {
		data = btfx_raw_data(v->base, &size);
		vbase = btfx_parse(data, size, btfx_path(v->base), false, &o, &v->err);
		if (!vbase) {
			v->failed = 1;
			return NULL;
		}
	}
	o.base = vbase ? vbase : btfx_base(v->btf);
	data = btfx_raw_data(v->btf, &size);
	vbtf = btfx_parse(data, size, btfx_path(v->btf), false, &o, &v->err);
	if (!vbtf)
		v->failed = 1;
	btfx_free(vbtf);
	btfx_free(vbase);
	return NULL;
}

/* Does path hold raw BTF (the magic, either byte order)? */
static bool is_raw_btf(const char *path)
{
	unsigned char m[2];
	FILE *f = fopen(path ? path : "/sys/kernel/btf/vmlinux", "rb");
	bool raw = false;

	if (f) {
		raw = fread(m, 1, 2, f) == 2 && ((m[0] == 0x9f && m[1] == 0xeb) || (m[0] == 0xeb && m[1] == 0x9f));
		fclose(f);
	}
	return raw;
}

/* open_btf() with structural checks only */
static struct btfx *open_fast(const char *path, const char *base_path, struct btfx **base_out,
			     struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_VALIDATE };
	struct btfx *base = NULL, *btf;

	*base_out = NULL;
	if (base_path) {
		struct btfx_open_opts bo = { .sz = sizeof(bo), .flags = BTFX_F_NO_AUTO_BASE | BTFX_F_NO_VALIDATE };
		base = btfx_open(base_path, &bo, err);
		if (!base)
			return NULL;
		o.base = base;
	}
	btf = btfx_open(path, &o, err);
	if (!btf) {
		btfx_free(base);
		return NULL;
	}
	*base_out = base;
	return btf;
}

/* What libbpf's bpf_helpers.h / bpf_helper_defs.h / bpf_tracing.h take
 * from vmlinux.h: every minimal header carries them (when the BTF has them),
 * so that it can replace the full header next to libbpf's headers. */
static const char *const libbpf_needs[] = {
	"__u8", "__s8", "__u16", "__s16", "__u32", "__s32", "__u64", "__s64", "__be16", "__be32", "__wsum",
};

static int select_libbpf_needs(const struct btfx *btf, struct idlist *roots)
{
	for (size_t i = 0; i < sizeof(libbpf_needs) / sizeof(libbpf_needs[0]); i++) {
		uint32_t id = btfx_find(btf, libbpf_needs[i], BTFX_KIND_TYPEDEF);
		if (id && idlist_add(roots, id)) {
			p_err("out of memory");
			return EXIT_ERROR;
		}
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cmd_header(int argc, char **argv)
{
	enum { OPT_TYPES = 256, OPT_FROM_OBJ, OPT_ASSERT, OPT_UNSORTED, OPT_STATS };
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "types", required_argument, NULL, OPT_TYPES },
		{ "from-object", required_argument, NULL, OPT_FROM_OBJ },
		{ "assert-layout", no_argument, NULL, OPT_ASSERT },
		{ "unsorted", no_argument, NULL, OPT_UNSORTED },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base_path = NULL, *file = NULL, *outp = NULL;
	const char **types = NULL, **objs = NULL;
	size_t ntypes = 0, nobjs = 0;
	struct btfx_emit_stats st = { .sz = sizeof(st) };
	struct btfx_emit_opts eo = { .sz = sizeof(eo), .stats = &st };
	struct idlist roots = { 0 };
	struct btfx *btf = NULL, *base = NULL;
	struct btfx_error err;
	struct validation val = { 0 };
	pthread_t vthread;
	bool stats = false, subset, vstarted = false;
	char *text = NULL;
	size_t len = 0;
	int c, e, rc = EXIT_OK;

	types = calloc((size_t)argc + 1, sizeof(*types));
	objs = calloc((size_t)argc + 1, sizeof(*objs));
	if (!types || !objs) {
		free(types);
		free(objs);
		return EXIT_ERROR;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'B': base_path = optarg; break;
		case 'o': outp = optarg; break;
		case OPT_TYPES: types[ntypes++] = optarg; break;
		case OPT_FROM_OBJ: objs[nobjs++] = optarg; break;
		case OPT_ASSERT: eo.flags |= BTFX_EMIT_ASSERT_LAYOUT; break;
		case OPT_UNSORTED: eo.flags |= BTFX_EMIT_ID_ORDER; break;
		case OPT_STATS: stats = true; break;
		case 'h': header_usage(stdout); goto done;
		default: rc = bad_option("header", argc, argv); goto done;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc) {
		p_err("header: unexpected argument '%s'", argv[optind]);
		rc = EXIT_ERROR;
		goto done;
	}

	if (is_raw_btf(file) && (!base_path || is_raw_btf(base_path))) {
		btf = open_fast(file, base_path, &base, &err);
		if (!btf) {
			rc = p_btfx_err(&err);
			goto done;
		}
		val.btf = btf;
		val.base = base;
		if (pthread_create(&vthread, NULL, validate_thread, &val) == 0) {
			vstarted = true;
		} else {
			validate_thread(&val);
			if (val.failed) {
				rc = p_btfx_err(&val.err);
				goto done;
			}
		}
	} else {
		btf = open_btf(file, base_path, &base, &err);
		if (!btf) {
			rc = p_btfx_err(&err);
			goto done;
		}
	}
	subset = ntypes || nobjs;
	for (size_t i = 0; i < ntypes && !rc; i++)
		rc = select_names(btf, types[i], &roots);
	for (size_t i = 0; i < nobjs && !rc; i++)
		rc = select_object(btf, objs[i], &roots);
	if (!rc && subset)
		rc = select_libbpf_needs(btf, &roots);
	if (rc && vstarted) {
		/* an invalid input explains a selection error best */
		pthread_join(vthread, NULL);
		vstarted = false;
		if (val.failed)
			p_btfx_err(&val.err);
	}
	if (rc)
		goto done;
	if (subset) {
		/* an empty selection still yields a (types-free) header */
		static const uint32_t none;
		eo.roots = roots.n ? roots.a : &none;
		eo.nr_roots = roots.n;
	}

	e = btfx_emit_c_buf(btf, &eo, &text, &len, &err);
	if (vstarted) {
		pthread_join(vthread, NULL);
		vstarted = false;
	}
	if (val.failed) {
		/* the input's own error comes first */
		rc = p_btfx_err(&val.err);
		goto done;
	}
	if (e) {
		rc = p_btfx_err(&err);
		goto done;
	}
	if (outp) {
		e = write_file_atomic(outp, text, len, true);
		if (e) {
			p_err("%s: cannot write: %s", outp, strerror(-e));
			rc = EXIT_ERROR;
			goto done;
		}
	} else {
		e = write_all(STDOUT_FILENO, text, len);
		if (e) {
			p_err("cannot write the header: %s", strerror(-e));
			rc = EXIT_ERROR;
			goto done;
		}
	}
	if (stats)
		fprintf(stderr,
			"%s: %u definitions, %u forward declarations, %u kfuncs, %u renamed, %u packed, "
			"%u asserts, %llu bytes\n",
			btfx_path(btf), st.defs, st.fwds, st.kfuncs, st.renamed, st.packed, st.asserts,
			(unsigned long long)st.bytes);
done:
	if (vstarted)
		pthread_join(vthread, NULL);
	btfx_emit_buf_free(text);
	free(roots.a);
	btfx_free(btf);
	btfx_free(base);
	free(types);
	free(objs);
	return rc;
}
