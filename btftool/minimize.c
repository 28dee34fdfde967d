// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool minimize: the smallest BTF that decides the CO-RE relocations of
 * one or more BPF objects exactly as a full kernel BTF does (the file to
 * ship for kernels without /sys/kernel/btf/vmlinux, or to pass as libbpf's
 * btf_custom_path).  Relocations that fail on the target (poisoned, or
 * errors that stop the object from loading) are kept failing in the output
 * and reported.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfx/minimize.h"
#include "btftool.h"
#include "out.h"

struct mopts {
	char **objs;
	size_t nobjs;
	struct btfx_obj **opened;
	const char *base_path;
	enum btfx_endian endian;
	bool json, verbose, quiet;
};

static void minimize_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s minimize OBJ... --target FILE [-B BASE] -o OUT.btf\n"
		"       %s minimize OBJ... --target-dir DIR [-B BASE] -o OUTDIR\n"
		"  --target FILE     the full BTF: vmlinux, vmlinuz, raw BTF; a module with -B\n"
		"  --target-dir DIR  every file of DIR, one OUTDIR/<file>.btf each\n"
		"  -B BASE           base of a split (module) target: relocations use vmlinux\n"
		"                    types first, module types when vmlinux has none; the\n"
		"                    output holds both, standalone\n"
		"  --endian little|big  byte order of the output (default: the target's)\n"
		"  --json            report on stdout as JSON\n"
		"  -v                also list relocations that find nothing (value 0)\n"
		"  -q                do not list poisoned relocations (errors always are)\n"
		"Relocating against the output gives exactly the results of the target.\n"
		"Exit status: 0 written; 1 written, but some relocation fails with an error\n"
		"on the target (the object cannot load there); 2 error.\n",
		prog_name, prog_name);
}

static const char *status_word(const struct btfx_core_result *r, uint32_t kind)
{
	if (r->status == BTFX_CORE_ERROR)
		return "error";
	if (r->status == BTFX_CORE_POISONED)
		return "poisoned";
	if (r->no_candidates && kind != BTFX_CORE_TYPE_ID_LOCAL)
		return "absent";
	return "ok";
}

static void where(const struct btfx_obj *obj, const struct btfx_core_relo_rec *r, const char **prog, uint32_t *insn)
{
	size_t ns;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &ns);
	uint32_t idx = r->insn_off / 8;
	const struct btfx_obj_prog *p = btfx_obj_prog_at(obj, r->sec, idx);

	*prog = p ? p->name : secs[r->sec].name;
	*insn = p ? idx - p->first_insn : idx;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/*
 * Minimize for one target; returns EXIT_OK, EXIT_NEGATIVE (written, some
 * relocation is an error on the target) or EXIT_ERROR.  JSON goes to o.
 */
static int minimize_one(const struct mopts *mo, const char *tpath, const struct btfx *base, const char *outpath,
			struct out *o, bool first_json)
{
	struct btfx_open_opts oo = { .sz = sizeof(oo), .base = base, .flags = (base ? BTFX_F_NO_AUTO_BASE : 0) | BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL };
	struct btfx_minimize_opts mopt = { .sz = sizeof(mopt), .endian = mo->endian };
	struct btfx_minimize_stats st;
	struct btfx_minimize *m = NULL;
	struct btfx_error err;
	struct btfx *tb;
	void *data = NULL;
	size_t size = 0;
	int rc = EXIT_OK, e, jstate = 0; /* JSON: 1 in "relocations", 2 object open, 3 closed */
	bool any_rel = false;

	/* libbpf-level checks (ids, strings); kernel rules are checked on the output */
	tb = btfx_open(tpath, &oo, &err);
	if (!tb)
		return p_btfx_err(&err);
	m = btfx_minimize_new(tb, &mopt, &err);
	if (!m) {
		rc = p_btfx_err(&err);
		goto out;
	}
	if (mo->json) {
		out_printf(o, "%s{\"target\":", first_json ? "" : ",");
		out_json_str(o, tpath);
		out_lit(o, ",\"output\":");
		out_json_str(o, outpath);
		out_lit(o, ",\"relocations\":[");
		jstate = 1;
	}
	for (size_t i = 0; i < mo->nobjs; i++) {
		const struct btfx_core_result *res;
		const struct btfx_core_relo_rec *relos;
		size_t n, nr;

		if (btfx_minimize_add_obj(m, mo->opened[i], &res, &n, &err)) {
			rc = p_btfx_err(&err);
			goto out;
		}
		relos = btfx_obj_core_relos(mo->opened[i], &nr);
		for (size_t j = 0; j < n; j++) {
			const char *w = status_word(&res[j], relos[j].kind), *prog;
			bool ok = !strcmp(w, "ok");
			uint32_t insn;
			if (!strcmp(w, "error"))
				rc = EXIT_NEGATIVE;
			if (ok && !mo->json)
				continue;
			where(mo->opened[i], &relos[j], &prog, &insn);
			if (mo->json) {
				out_printf(o, "%s{\"object\":", any_rel ? "," : "");
				out_json_str(o, mo->objs[i]);
				out_printf(o, ",\"index\":%zu,\"program\":", j);
				out_json_str(o, prog);
				out_printf(o, ",\"insn\":%u,\"kind\":\"%s\",\"spec\":", insn, btfx_core_kind_str(relos[j].kind));
				out_json_str(o, res[j].local_spec_str[0] ? res[j].local_spec_str : relos[j].access_str);
				out_printf(o, ",\"status\":\"%s\"", w);
				if (res[j].status != BTFX_CORE_ERROR && !res[j].poison)
					out_printf(o, ",\"value\":%llu", (unsigned long long)res[j].new_val);
				if (res[j].reason[0]) {
					out_lit(o, ",\"reason\":");
					out_json_str(o, res[j].reason);
				}
				out_char(o, '}');
				any_rel = true;
			} else if (!strcmp(w, "error") || (!strcmp(w, "poisoned") && !mo->quiet) ||
				   (!strcmp(w, "absent") && mo->verbose)) {
				fprintf(stderr, "%s: %s: relocation #%zu %s+%u %s: %s on %s%s%s\n", prog_name,
					mo->objs[i], j, prog, insn,
					res[j].local_spec_str[0] ? res[j].local_spec_str : relos[j].access_str, w,
					base_name(tpath), res[j].reason[0] ? ": " : "", res[j].reason);
			}
		}
	}
	if (mo->json) {
		out_lit(o, "]");
		jstate = 2;
	}
	e = btfx_minimize_write(m, &data, &size, &err);
	if (e) {
		/* The target is read without the kernel-rule validation (it is
		 * the slow part, and a kernel's own BTF passes it); when the
		 * output fails it, say what is wrong with the target itself. */
		struct btfx_error verr;
		struct btfx *chk;
		oo.flags &= ~(uint32_t)(BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL);
		chk = btfx_open(tpath, &oo, &verr);
		if (!chk)
			err = verr;
		btfx_free(chk);
		rc = p_btfx_err(&err);
		goto out;
	}
	e = write_file_atomic(outpath, data, size, false);
	if (e) {
		p_err("%s: cannot write: %s", outpath, strerror(-e));
		rc = EXIT_ERROR;
		goto out;
	}
	btfx_minimize_get_stats(m, &st);
	if (mo->json) {
		jstate = 3;
		out_printf(o,
			   ",\"size\":%zu,\"types\":%u,\"target_types\":%u,\"rounds\":%u,\"counts\":{\"total\":%u,"
			   "\"ok\":%u,\"absent\":%u,\"poisoned\":%u,\"error\":%u}}",
			   size, st.types_out, st.types_in, st.rounds, st.relos, st.ok, st.absent, st.poisoned, st.errors);
	} else if (mo->verbose || st.errors)
		fprintf(stderr, "%s: %s: %zu bytes, %u of %u types; %u relocations: %u ok, %u absent, %u poisoned, %u errors\n",
			prog_name, outpath, size, st.types_out, st.types_in, st.relos, st.ok, st.absent, st.poisoned, st.errors);
out:
	if (jstate == 1)
		out_lit(o, "]");
	if (jstate == 1 || jstate == 2) {
		out_lit(o, ",\"error\":");
		out_json_str(o, err.msg[0] ? err.msg : "failed");
		out_char(o, '}');
	}
	free(data);
	btfx_minimize_free(m);
	btfx_free(tb);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* regular files of dir, sorted; NULL on error (reported) */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (!d) {
		p_err("%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p, **nv;
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
			break;
		if (stat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv) {
			free(p);
			break;
		}
		v = nv;
		v[(*n)++] = p;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), cmp_str);
	if (!*n) {
		p_err("%s: no files", dir);
		free(v);
		return NULL;
	}
	return v;
}

int cmd_minimize(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "target-dir", required_argument, NULL, 'D' },
		{ "base", required_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "endian", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mopts mo = { 0 };
	const char *target = NULL, *tdir = NULL, *outp = NULL;
	struct btfx *base = NULL;
	struct btfx_error err;
	struct out o;
	int c, rc = EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:D:B:o:e:jvqh", opts, NULL)) != -1) {
		switch (c) {
		case 't': target = optarg; break;
		case 'D': tdir = optarg; break;
		case 'B': mo.base_path = optarg; break;
		case 'o': outp = optarg; break;
		case 'e':
			if (!strcmp(optarg, "little"))
				mo.endian = BTFX_ENDIAN_LITTLE;
			else if (!strcmp(optarg, "big"))
				mo.endian = BTFX_ENDIAN_BIG;
			else if (!strcmp(optarg, "host") || !strcmp(optarg, "native"))
				mo.endian = BTFX_ENDIAN_HOST;
			else {
				p_err("minimize: --endian takes little, big or host, not '%s'", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'j': mo.json = true; break;
		case 'v': mo.verbose = true; break;
		case 'q': mo.quiet = true; break;
		case 'h': minimize_usage(stdout); return EXIT_OK;
		default: return bad_option("minimize", argc, argv);
		}
	}
	if (optind >= argc) {
		p_err("minimize: missing OBJ (see '%s minimize --help')", prog_name);
		return EXIT_ERROR;
	}
	if (!target == !tdir) {
		p_err("minimize: give exactly one of --target FILE and --target-dir DIR");
		return EXIT_ERROR;
	}
	if (!outp) {
		p_err("minimize: -o %s is required", tdir ? "OUTDIR" : "OUT");
		return EXIT_ERROR;
	}
	mo.objs = argv + optind;
	mo.nobjs = (size_t)(argc - optind);
	mo.opened = calloc(mo.nobjs, sizeof(*mo.opened));
	if (!mo.opened)
		return EXIT_ERROR;
	for (size_t i = 0; i < mo.nobjs; i++) {
		mo.opened[i] = btfx_obj_open(mo.objs[i], &err);
		if (!mo.opened[i]) {
			rc = p_btfx_err(&err);
			goto done;
		}
	}
	if (mo.base_path) {
		struct btfx_open_opts bo = { .sz = sizeof(bo), .flags = BTFX_F_NO_AUTO_BASE };
		base = btfx_open(mo.base_path, &bo, &err);
		if (!base) {
			rc = p_btfx_err(&err);
			goto done;
		}
	}
	out_init(&o, STDOUT_FILENO);
	if (mo.json)
		out_lit(&o, "{\"targets\":[");
	if (target) {
		rc = minimize_one(&mo, target, base, outp, &o, true);
	} else {
		size_t n;
		char **files = list_dir(tdir, &n);
		bool tty = isatty(STDERR_FILENO) && !mo.json;
		struct stat st;

		if (!files)
			goto json_end;
		if (stat(outp, &st) && mkdir(outp, 0755) && errno != EEXIST) {
			p_err("%s: cannot create: %s", outp, strerror(errno));
			for (size_t i = 0; i < n; i++)
				free(files[i]);
			free(files);
			goto json_end;
		}
		rc = EXIT_OK;
		for (size_t i = 0; i < n; i++) {
			const char *bn = base_name(files[i]);
			size_t bl = strlen(bn);
			char *op;
			int r;
			if (bl > 4 && !strcmp(bn + bl - 4, ".btf"))
				bl -= 4;
			if (asprintf(&op, "%s/%.*s.btf", outp, (int)bl, bn) < 0) {
				rc = EXIT_ERROR;
				break;
			}
			if (tty)
				fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, n, bn);
			r = minimize_one(&mo, files[i], base, op, &o, i == 0);
			if (r > rc)
				rc = r;
			free(op);
		}
		if (tty)
			fprintf(stderr, "\r\033[K");
		for (size_t i = 0; i < n; i++)
			free(files[i]);
		free(files);
	}
json_end:
	if (mo.json)
		out_lit(&o, "]}\n");
	if (out_close(&o) && rc != EXIT_ERROR) {
		p_err("stdout: write error");
		rc = EXIT_ERROR;
	}
done:
	for (size_t i = 0; i < mo.nobjs; i++)
		btfx_obj_free(mo.opened[i]);
	free(mo.opened);
	btfx_free(base);
	return rc;
}
