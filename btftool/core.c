// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool core explain | reloc | check: CO-RE relocations of a BPF object
 * decided by the core-reloc engine against one or more target kernels.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfx/core.h"
#include "btfx/object.h"
#include "btftool.h"
#include "load.h"
#include "out.h"

struct target {
	const char *path;
	struct btfx *btf;
	long kernel; /* index of the --kernel image this column is, or -1 */
};

struct targets {
	struct target *t;
	size_t n;
};

static int add_target(struct targets *ts, const char *path)
{
	struct target *t = realloc(ts->t, (ts->n + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	ts->t = t;
	t[ts->n].path = path;
	t[ts->n].btf = NULL;
	t[ts->n].kernel = -1;
	ts->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every regular file of DIR, sorted (paths are leaked into ts for its lifetime) */
static int add_target_dir(struct targets *ts, const char *dir, char ***owned, size_t *nowned)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = *nowned;

	if (!d) {
		p_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char *p;
		struct stat st;
		char **o;
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
			break;
		if (stat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		o = realloc(*owned, (*nowned + 1) * sizeof(*o));
		if (!o) {
			free(p);
			break;
		}
		*owned = o;
		o[(*nowned)++] = p;
	}
	closedir(d);
	qsort(*owned + first, *nowned - first, sizeof(char *), cmp_str);
	for (size_t i = first; i < *nowned; i++)
		if (add_target(ts, (*owned)[i]))
			return -1;
	if (*nowned == first) {
		p_err("%s: no files", dir);
		return -1;
	}
	return 0;
}

static const char *short_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void relo_where(const struct btfx_obj *obj, const struct btfx_core_relo_rec *r, const char **prog,
		       uint32_t *pinsn, const struct btfx_line_info **line)
{
	size_t ns;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &ns);
	uint32_t idx = r->insn_off / 8;
	const struct btfx_obj_prog *p = btfx_obj_prog_at(obj, r->sec, idx);

	*prog = p ? p->name : secs[r->sec].name;
	*pinsn = p ? idx - p->first_insn : idx;
	*line = btfx_obj_line_at(obj, r->sec, r->insn_off);
}

static void value_str(char *buf, size_t n, const struct btfx_core_result *res)
{
	if (res->status == BTFX_CORE_ERROR)
		snprintf(buf, n, "ERROR");
	else if (res->status == BTFX_CORE_POISONED)
		snprintf(buf, n, "POISON");
	else if (res->orig_val == res->new_val)
		snprintf(buf, n, "%llu", (unsigned long long)res->new_val);
	else
		snprintf(buf, n, "%llu->%llu", (unsigned long long)res->orig_val, (unsigned long long)res->new_val);
}

/* Decide and patch relocation i of obj against one target (ctx); returns 0/1/2 like status. */
static int decide(struct btfx_core_ctx *ctx, const struct btfx_obj *obj, const struct btfx_core_relo_rec *r,
		  struct btfx_core_result *res, struct btfx_insn *insns, uint32_t insn_cnt)
{
	char why[200];

	btfx_core_calc(ctx, r->type_id, r->access_str, r->kind, res);
	(void)obj;
	if (res->status != BTFX_CORE_ERROR && insns) {
		uint32_t idx = r->insn_off / 8;
		if (btfx_core_patch(&insns[idx], insn_cnt - idx, r->kind, res, why, sizeof(why))) {
			res->status = BTFX_CORE_ERROR;
			res->err = -EINVAL;
			snprintf(res->reason, sizeof(res->reason), "instruction #%u: %.200s", idx, why);
		}
	}
	return res->status;
}

/*
 * CO-RE targets are read, never loaded into a kernel: check them at
 * libbpf's level (ids and strings in range), not with BPF_BTF_LOAD's limits
 * (a 33-deep anonymous nesting is a CO-RE failure, not a bad target).
 */
static struct btfx *open_target(const char *path, struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_REFS_ONLY | BTFX_F_INDEX_ESSENTIAL };

	return btfx_open(path, &o, err);
}

static int open_targets(struct targets *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		struct btfx_error err;
		ts->t[i].btf = open_target(ts->t[i].path, &err);
		if (!ts->t[i].btf)
			return p_btfx_err(&err);
	}
	return 0;
}

static void free_targets(struct targets *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		btfx_free(ts->t[i].btf);
	free(ts->t);
}

/* insns copy of every section, for patching */
static struct btfx_insn **copy_insns(const struct btfx_obj *obj)
{
	size_t ns;
	const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &ns);
	struct btfx_insn **c = calloc(ns ? ns : 1, sizeof(*c));

	if (!c)
		return NULL;
	for (size_t i = 0; i < ns; i++) {
		c[i] = malloc((secs[i].insn_cnt ? secs[i].insn_cnt : 1) * sizeof(struct btfx_insn));
		if (!c[i])
			return NULL;
		memcpy(c[i], secs[i].insns, secs[i].insn_cnt * sizeof(struct btfx_insn));
	}
	return c;
}

static void free_insns(const struct btfx_obj *obj, struct btfx_insn **c)
{
	size_t ns;
	btfx_obj_secs(obj, &ns);
	if (!c)
		return;
	for (size_t i = 0; i < ns; i++)
		free(c[i]);
	free(c);
}

static void explain_failure(struct out *o, struct btfx_core_ctx *ctx, const struct btfx_core_relo_rec *r,
			    const struct btfx_core_result *res, const char *tname)
{
	struct btfx_core_hint hints[6];
	size_t nh;

	out_printf(o, "      %s: %s\n", tname, res->reason[0] ? res->reason : "failed");
	for (size_t c = 0; c < res->ncands && c < 8; c++) {
		const struct btfx_core_cand *cd = &res->cands[c];
		const struct btfx_type *t = btfx_type_by_id(cd->btf, cd->id);
		const char *nm = t ? btfx_str(cd->btf, t->name_off) : NULL;
		if (cd->matched)
			out_printf(o, "        candidate [%u] %s %s: matched %s\n", cd->id, t ? btfx_kind_str(btfx_kind(t)) : "?",
				   nm ? nm : "", cd->spec_str);
		else
			out_printf(o, "        candidate [%u] %s %s: %s\n", cd->id, t ? btfx_kind_str(btfx_kind(t)) : "?",
				   nm ? nm : "", btfx_core_miss_str(cd->miss));
	}
	if (res->ncands > 8)
		out_printf(o, "        ... %zu more candidates\n", res->ncands - 8);
	nh = btfx_core_near_misses(ctx, r->type_id, r->access_str, r->kind, res, hints, 6);
	for (size_t i = 0; i < nh && i < 6; i++)
		out_printf(o, "        near miss: %s\n", hints[i].text);
	if (res->status == BTFX_CORE_POISONED)
		out_printf(o, "        the instruction is poisoned: the verifier rejects it if it is reachable\n");
}

static void json_result(struct out *o, const struct btfx_core_result *res, const char *tpath)
{
	out_lit(o, "{\"target\":");
	out_json_str(o, tpath);
	out_lit(o, ",\"status\":");
	out_json_str(o, res->status == BTFX_CORE_OK ? "ok" : res->status == BTFX_CORE_POISONED ? "poisoned" : "error");
	if (res->status != BTFX_CORE_ERROR) {
		out_printf(o, ",\"orig_val\":%llu,\"new_val\":%llu", (unsigned long long)res->orig_val,
			   (unsigned long long)res->new_val);
	}
	if (res->targ_spec_str[0]) {
		out_lit(o, ",\"target_spec\":");
		out_json_str(o, res->targ_spec_str);
	}
	if (res->reason[0]) {
		out_lit(o, ",\"reason\":");
		out_json_str(o, res->reason);
	}
	out_lit(o, ",\"candidates\":[");
	for (size_t c = 0; c < res->ncands; c++) {
		const struct btfx_core_cand *cd = &res->cands[c];
		out_printf(o, "%s{\"id\":%u,\"matched\":%s", c ? "," : "", cd->id, cd->matched ? "true" : "false");
		if (!cd->matched) {
			out_lit(o, ",\"why\":");
			out_json_str(o, btfx_core_miss_str(cd->miss));
		} else {
			out_lit(o, ",\"spec\":");
			out_json_str(o, cd->spec_str);
		}
		out_char(o, '}');
	}
	out_lit(o, "]}");
}

static int do_explain(const char *objpath, struct targets *ts, bool json)
{
	struct btfx_error err;
	struct btfx_obj *obj = btfx_obj_open(objpath, &err);
	struct btfx_core_ctx **ctxs = NULL;
	struct btfx_insn ***insns = NULL;
	const struct btfx_core_relo_rec *relos;
	size_t nrelo, ns;
	struct out o;
	int rc = EXIT_OK;

	if (!obj)
		return p_btfx_err(&err);
	if (open_targets(ts)) {
		btfx_obj_free(obj);
		return EXIT_ERROR;
	}
	btfx_obj_secs(obj, &ns);
	relos = btfx_obj_core_relos(obj, &nrelo);
	ctxs = calloc(ts->n, sizeof(*ctxs));
	insns = calloc(ts->n, sizeof(*insns));
	if (!ctxs || !insns) {
		rc = EXIT_ERROR;
		goto done;
	}
	for (size_t t = 0; t < ts->n; t++) {
		ctxs[t] = btfx_core_ctx_new(btfx_obj_btf(obj), ts->t[t].btf, NULL, 0);
		insns[t] = copy_insns(obj);
		if (!ctxs[t] || !insns[t]) {
			rc = EXIT_ERROR;
			goto done;
		}
	}
	out_init(&o, STDOUT_FILENO);
	if (json)
		out_lit(&o, "{\"object\":"), out_json_str(&o, objpath), out_lit(&o, ",\"relocations\":[");
	else
		out_printf(&o, "%s: %zu CO-RE relocations; targets:%s", objpath, nrelo, ts->n > 1 ? "\n" : " ");
	if (!json)
		for (size_t t = 0; t < ts->n; t++)
			out_printf(&o, "%s%s\n", ts->n > 1 ? "  " : "", ts->t[t].path);
	for (size_t i = 0; i < nrelo; i++) {
		const struct btfx_core_relo_rec *r = &relos[i];
		const char *prog;
		uint32_t pinsn;
		const struct btfx_line_info *line;
		size_t nsec;
		const struct btfx_obj_sec *secs = btfx_obj_secs(obj, &nsec);
		struct btfx_core_result *res = calloc(ts->n, sizeof(*res));

		if (!res) {
			rc = EXIT_ERROR;
			break;
		}
		relo_where(obj, r, &prog, &pinsn, &line);
		for (size_t t = 0; t < ts->n; t++) {
			int st = decide(ctxs[t], obj, r, &res[t], insns[t][r->sec], secs[r->sec].insn_cnt);
			if (st != BTFX_CORE_OK && rc == EXIT_OK)
				rc = EXIT_NEGATIVE;
		}
		if (json) {
			out_printf(&o, "%s{\"index\":%zu,\"section\":", i ? "," : "", i);
			out_json_str(&o, secs[r->sec].name);
			out_lit(&o, ",\"program\":");
			out_json_str(&o, prog);
			out_printf(&o, ",\"insn\":%u,\"kind\":\"%s\",\"access\":", pinsn, btfx_core_kind_str(r->kind));
			out_json_str(&o, r->access_str);
			out_lit(&o, ",\"local_spec\":");
			out_json_str(&o, res[0].local_spec_str[0] ? res[0].local_spec_str : "");
			if (line) {
				out_lit(&o, ",\"file\":");
				out_json_str(&o, line->file);
				out_printf(&o, ",\"line\":%u,\"col\":%u", line->line_nr, line->col);
			}
			out_lit(&o, ",\"results\":[");
			for (size_t t = 0; t < ts->n; t++) {
				if (t)
					out_char(&o, ',');
				json_result(&o, &res[t], ts->t[t].path);
			}
			out_lit(&o, "]}");
		} else {
			out_printf(&o, "#%zu %s+%u", i, prog, pinsn);
			if (line)
				out_printf(&o, " %s:%u", short_name(line->file), line->line_nr);
			out_printf(&o, " %s", res[0].local_spec_str[0] ? res[0].local_spec_str : r->access_str);
			for (size_t t = 0; t < ts->n; t++) {
				char v[64];
				value_str(v, sizeof(v), &res[t]);
				out_printf(&o, " %s %s", t ? "|" : "=>", v);
			}
			out_char(&o, '\n');
			for (size_t t = 0; t < ts->n; t++)
				if (res[t].status != BTFX_CORE_OK || (res[t].no_candidates && r->kind != BTFX_CORE_TYPE_ID_LOCAL))
					explain_failure(&o, ctxs[t], r, &res[t], short_name(ts->t[t].path));
		}
		for (size_t t = 0; t < ts->n; t++)
			btfx_core_result_fini(&res[t]);
		free(res);
	}
	if (json)
		out_lit(&o, "]}\n");
	if (out_close(&o) && rc != EXIT_ERROR)
		rc = EXIT_ERROR;
done:
	for (size_t t = 0; t < ts->n; t++) {
		if (ctxs)
			btfx_core_ctx_free(ctxs[t]);
		if (insns)
			free_insns(obj, insns[t]);
	}
	free(ctxs);
	free(insns);
	btfx_obj_free(obj);
	return rc;
}

static int do_reloc(const char *objpath, const char *tpath, const char *outpath)
{
	struct btfx_error err;
	struct btfx_obj *obj = btfx_obj_open(objpath, &err);
	struct btfx *tb = NULL;
	struct btfx_core_result *res = NULL;
	size_t nres = 0, size = 0;
	void *elf = NULL;
	int rc = EXIT_OK, e;

	if (!obj)
		return p_btfx_err(&err);
	tb = open_target(tpath, &err);
	if (!tb) {
		rc = p_btfx_err(&err);
		goto done;
	}
	e = btfx_core_relocate_obj(obj, tb, NULL, 0, &elf, &size, &res, &nres);
	if (e == -ENOMEM) {
		p_err("out of memory");
		rc = EXIT_ERROR;
		goto done;
	}
	if (e) {
		const struct btfx_core_relo_rec *relos;
		size_t nrelo;
		relos = btfx_obj_core_relos(obj, &nrelo);
		for (size_t i = 0; i < nres; i++) {
			const char *prog;
			uint32_t pinsn;
			const struct btfx_line_info *line;
			if (res[i].status != BTFX_CORE_ERROR)
				continue;
			relo_where(obj, &relos[i], &prog, &pinsn, &line);
			p_err("%s: relocation #%zu (%s+%u, %s): %s", objpath, i, prog, pinsn, res[i].local_spec_str,
			      res[i].reason);
		}
		rc = EXIT_NEGATIVE; /* never write a partially relocated object */
		goto done;
	}
	e = write_file_atomic(outpath, elf, size, false);
	if (e) {
		p_err("%s: cannot write: %s", outpath, strerror(-e));
		rc = EXIT_ERROR;
	}
done:
	free(elf);
	btfx_core_results_free(res, nres);
	btfx_free(tb);
	btfx_obj_free(obj);
	return rc;
}

/* A row of the verdict table is a program the kernel loads (not a subprogram:
 * a global function of a program section, as libbpf decides). */
static bool is_entry(const struct btfx_obj_prog *p, const struct btfx_obj_sec *secs)
{
	return p->global && strcmp(secs[p->sec].name, ".text");
}

static const struct load_prog *vm_prog(const struct load_report *r, const char *name)
{
	for (size_t i = 0; i < r->nprogs; i++)
		if (r->progs[i].name && !strcmp(r->progs[i].name, name))
			return &r->progs[i];
	return NULL;
}

/*
 * The verdict of program row p in kernel column k: the verifier's (lp, from
 * the VM), or the static one in parentheses for a subprogram (loaded as part
 * of its callers, whose verdict counts).  *rc is raised to 1 (rejected) or
 * 2 (no verdict).
 */
static const char *kernel_verdict(const struct vm_kernel *k, size_t oi, const struct btfx_obj_prog *p,
				  const struct btfx_obj_sec *secs, bool static_fail, const struct load_prog **lp, int *rc)
{
	*lp = k->have_rep[oi] ? vm_prog(&k->reps[oi], p->name) : NULL;
	if (!*lp) {
		if (!is_entry(p, secs))
			return static_fail ? "(FAIL)" : "(ok)";
		*rc = EXIT_ERROR; /* a program without a verifier's verdict */
		return "ERROR";
	}
	switch ((*lp)->status) {
	case LP_LOADED: return "ok";
	case LP_SKIPPED: return "skipped";
	case LP_REJECTED:
		if (*rc == EXIT_OK)
			*rc = EXIT_NEGATIVE;
		return "FAIL";
	case LP_ERROR: break;
	}
	*rc = EXIT_ERROR;
	return "ERROR";
}

static const char *column_name(const struct target *t, const struct vm_results *vr)
{
	if (t->kernel >= 0 && vr->k[t->kernel].release)
		return vr->k[t->kernel].release;
	return short_name(t->path);
}

/* every object readable before kernels are booted for them */
static int check_objects(char **objs, size_t nobj)
{
	for (size_t oi = 0; oi < nobj; oi++) {
		struct btfx_error err;
		struct btfx_obj *obj = btfx_obj_open(objs[oi], &err);
		if (!obj)
			return p_btfx_err(&err);
		btfx_obj_free(obj);
	}
	return 0;
}

static void json_kernels(struct out *o, const struct vm_results *vr)
{
	out_lit(o, ",\"kernels\":[");
	for (size_t i = 0; i < vr->n; i++) {
		const struct vm_kernel *k = &vr->k[i];
		out_printf(o, "%s{\"image\":", i ? "," : "");
		out_json_str(o, k->image);
		out_lit(o, ",\"release\":");
		if (k->release)
			out_json_str(o, k->release);
		else
			out_lit(o, "null");
		out_printf(o, ",\"verdict\":\"%s\",\"accel\":\"%s\",\"seconds\":%.1f", vm_verdict_str(k->verdict),
			   k->kvm ? "kvm" : "tcg", k->seconds);
		if (k->message) {
			out_lit(o, ",\"message\":");
			out_json_str(o, k->message);
		}
		if (k->verdict != VM_OK && k->verdict != VM_REJECTED) {
			char *t = vm_console_tail(k->console, 30);
			out_lit(o, ",\"console\":");
			out_json_str(o, t);
			free(t);
		}
		out_char(o, '}');
	}
	out_char(o, ']');
	if (vr->note) {
		out_lit(o, ",\"note\":");
		out_json_str(o, vr->note);
	}
}

/*
 * The matrix: relocations by columns (--target files, then --kernel images,
 * both decided statically against the column's BTF), then a verdict per
 * program per column.  A kernel column's verdict is the verifier's: every
 * object is loaded in the booted kernel (vm.c) before anything is printed.
 */
static int do_check(char **objs, size_t nobj, struct targets *ts, bool json, struct vm_opts *vo)
{
	int rc = EXIT_OK, vrc = EXIT_OK;
	struct out o;
	bool tty = isatty(STDERR_FILENO);
	struct vm_results vr = { 0 };

	if (open_targets(ts))
		return EXIT_ERROR;
	if (vo->nkernels) {
		if (check_objects(objs, nobj))
			return EXIT_ERROR;
		vo->objects = (const char **)objs;
		vo->nobjects = nobj;
		vrc = vm_boot(vo, &vr);
		if (!vr.n)
			return EXIT_ERROR;
		if (vrc == EXIT_ERROR)
			rc = EXIT_ERROR; /* a kernel without a verdict */
	}
	out_init(&o, STDOUT_FILENO);
	if (json) {
		out_lit(&o, "{\"targets\":[");
		for (size_t t = 0, i = 0; t < ts->n; t++) {
			if (ts->t[t].kernel >= 0)
				continue;
			if (i++)
				out_char(&o, ',');
			out_json_str(&o, ts->t[t].path);
		}
		out_char(&o, ']');
		json_kernels(&o, &vr);
		out_lit(&o, ",\"objects\":[");
	} else {
		if (vr.note)
			out_printf(&o, "note: %s\n", vr.note);
		for (size_t i = 0; i < vr.n; i++) {
			const struct vm_kernel *k = &vr.k[i];
			out_printf(&o, "kernel %s: %s, %s (%s, %.1f s)", k->image, k->release ? k->release : "?",
				   vm_verdict_str(k->verdict), k->kvm ? "kvm" : "tcg", k->seconds);
			if (k->message)
				out_printf(&o, ": %s", k->message);
			out_char(&o, '\n');
		}
	}
	for (size_t oi = 0; oi < nobj; oi++) {
		struct btfx_error err;
		struct btfx_obj *obj = btfx_obj_open(objs[oi], &err);
		const struct btfx_core_relo_rec *relos;
		size_t nrelo, np, ns;
		const struct btfx_obj_prog *progs;
		const struct btfx_obj_sec *secs;
		uint8_t *verdict; /* per prog x target: 0 ok, 1 fail */

		if (!obj) {
			out_close(&o);
			vm_results_fini(&vr);
			return p_btfx_err(&err);
		}
		relos = btfx_obj_core_relos(obj, &nrelo);
		progs = btfx_obj_progs(obj, &np);
		secs = btfx_obj_secs(obj, &ns);
		verdict = calloc((np + 1) * ts->n + 1, 1);
		if (!json) {
			out_printf(&o, "%s\n%-40s", objs[oi], "relocation");
			for (size_t t = 0; t < ts->n; t++)
				out_printf(&o, " %20.20s", column_name(&ts->t[t], &vr));
			out_char(&o, '\n');
		} else {
			out_printf(&o, "%s{\"object\":", oi ? "," : "");
			out_json_str(&o, objs[oi]);
			out_lit(&o, ",\"relocations\":[");
		}
		{
			struct btfx_core_ctx **ctxs = calloc(ts->n, sizeof(*ctxs));
			struct btfx_insn ***insns = calloc(ts->n, sizeof(*insns));
			/* patch a copy per target, as explain does: validation of the
			 * instruction's value, offsets that don't fit and memory-size
			 * adjustments are decided at patch time */
			for (size_t t = 0; t < ts->n; t++) {
				ctxs[t] = btfx_core_ctx_new(btfx_obj_btf(obj), ts->t[t].btf, NULL, 0);
				insns[t] = copy_insns(obj);
			}
			for (size_t i = 0; i < nrelo; i++) {
				const struct btfx_core_relo_rec *r = &relos[i];
				const char *prog;
				uint32_t pinsn;
				const struct btfx_line_info *line;
				const struct btfx_obj_prog *p = btfx_obj_prog_at(obj, r->sec, r->insn_off / 8);
				char label[256];

				relo_where(obj, r, &prog, &pinsn, &line);
				if (tty && !json && nrelo * ts->n > 2000)
					fprintf(stderr, "\r%zu/%zu relocations", i, nrelo);
				if (json) {
					out_printf(&o, "%s{\"program\":", i ? "," : "");
					out_json_str(&o, prog);
					out_printf(&o, ",\"insn\":%u,\"kind\":\"%s\",\"cells\":[", pinsn, btfx_core_kind_str(r->kind));
				} else {
					struct btfx_core_spec ls;
					char spec[200] = "";
					if (!btfx_core_parse_spec(btfx_obj_btf(obj), r->type_id, r->access_str, r->kind, &ls, NULL, 0))
						btfx_core_format_spec(spec, sizeof(spec), &ls);
					snprintf(label, sizeof(label), "%s+%u %s", prog, pinsn, spec);
					out_printf(&o, "%-40.40s", label);
				}
				for (size_t t = 0; t < ts->n; t++) {
					struct btfx_core_result res;
					char v[64];
					int st = decide(ctxs[t], obj, r, &res, insns[t] ? insns[t][r->sec] : NULL,
							secs[r->sec].insn_cnt);
					if (st != BTFX_CORE_OK) {
						size_t pi = p ? (size_t)(p - progs) : np;
						verdict[pi * ts->n + t] = 1;
						/* a kernel's verdict is the verifier's, below */
						if (ts->t[t].kernel < 0 && rc == EXIT_OK)
							rc = EXIT_NEGATIVE;
					}
					value_str(v, sizeof(v), &res);
					if (json) {
						out_printf(&o, "%s{\"status\":\"%s\"", t ? "," : "",
							   st == BTFX_CORE_OK ? "ok" : st == BTFX_CORE_POISONED ? "poisoned" : "error");
						if (st != BTFX_CORE_ERROR)
							out_printf(&o, ",\"value\":%llu", (unsigned long long)res.new_val);
						out_char(&o, '}');
					} else {
						out_printf(&o, " %20s", v);
					}
					btfx_core_result_fini(&res);
				}
				if (json)
					out_lit(&o, "]}");
				else
					out_char(&o, '\n');
			}
			if (tty && !json && nrelo * ts->n > 2000)
				fprintf(stderr, "\r%40s\r", "");
			for (size_t t = 0; t < ts->n; t++) {
				btfx_core_ctx_free(ctxs[t]);
				free_insns(obj, insns[t]);
			}
			free(ctxs);
			free(insns);
		}
		if (json)
			out_lit(&o, "],\"programs\":[");
		else
			out_printf(&o, "%-40s\n", "verdict per program:");
		for (size_t pi = 0; pi < np; pi++) {
			if (json) {
				out_printf(&o, "%s{\"program\":", pi ? "," : "");
				out_json_str(&o, progs[pi].name);
				out_lit(&o, ",\"verdicts\":[");
			} else {
				out_printf(&o, "  %-38.38s", progs[pi].name);
			}
			for (size_t t = 0; t < ts->n; t++) {
				bool sfail = verdict[pi * ts->n + t];
				const char *v = sfail ? "FAIL" : "ok";
				if (ts->t[t].kernel >= 0) {
					const struct load_prog *lp;
					v = kernel_verdict(&vr.k[ts->t[t].kernel], oi, &progs[pi], secs, sfail, &lp, &rc);
				}
				if (json)
					out_printf(&o, "%s\"%s\"", t ? "," : "", v);
				else
					out_printf(&o, " %20s", v);
			}
			if (json && vr.n) {
				/* per kernel: the static verdict and the verifier's report */
				out_lit(&o, "],\"kernels\":[");
				for (size_t t = 0, i = 0; t < ts->n; t++) {
					const struct vm_kernel *k;
					const struct load_prog *lp;
					int dummy = EXIT_OK;
					if (ts->t[t].kernel < 0)
						continue;
					k = &vr.k[ts->t[t].kernel];
					kernel_verdict(k, oi, &progs[pi], secs, verdict[pi * ts->n + t], &lp, &dummy);
					out_printf(&o, "%s{\"image\":", i++ ? "," : "");
					out_json_str(&o, k->image);
					out_printf(&o, ",\"static\":\"%s\",\"program\":%s", verdict[pi * ts->n + t] ? "FAIL" : "ok",
						   is_entry(&progs[pi], secs) ? "true" : "false");
					out_lit(&o, ",\"verifier\":");
					if (lp)
						load_prog_json(&o, lp, 0);
					else
						out_lit(&o, "null");
					out_char(&o, '}');
				}
			}
			if (json) {
				out_str(&o, "]}");
				continue;
			}
			out_char(&o, '\n');
			/* why, under the row: the verifier's word where it says no, or where it
			 * disagrees with the static verdict */
			for (size_t t = 0; t < ts->n; t++) {
				const struct vm_kernel *k;
				const struct load_prog *lp;
				int dummy = EXIT_OK;
				bool sfail = verdict[pi * ts->n + t];
				if (ts->t[t].kernel < 0)
					continue;
				k = &vr.k[ts->t[t].kernel];
				kernel_verdict(k, oi, &progs[pi], secs, sfail, &lp, &dummy);
				if (!lp) {
					/* a kernel without a report: its line above says why */
					if (is_entry(&progs[pi], secs) && k->have_rep[oi])
						out_printf(&o, "      %s: no verdict: %s\n", column_name(&ts->t[t], &vr),
							   k->reps[oi].error ? k->reps[oi].error : "not in the load report");
					continue;
				}
				if (lp->status == LP_LOADED) {
					if (sfail)
						out_printf(&o, "      %s: loaded although statically FAIL: the verifier never "
							   "reaches its poisoned instructions\n", column_name(&ts->t[t], &vr));
					continue;
				}
				out_printf(&o, "      %s: %s: %s\n", column_name(&ts->t[t], &vr),
					   lp->status == LP_REJECTED ? "REJECTED" : lp->status == LP_ERROR ? "ERROR" : "skipped",
					   lp->message ? lp->message : "");
				if (lp->relo && lp->relo->source && lp->relo->source[0]) {
					const char *src = lp->relo->source;
					while (*src == ' ' || *src == '\t')
						src++;
					out_printf(&o, "        source: %s\n", src);
				}
			}
		}
		if (json)
			out_lit(&o, "]}");
		(void)ns;
		free(verdict);
		btfx_obj_free(obj);
	}
	if (json)
		out_lit(&o, "]}\n");
	if (out_close(&o))
		rc = EXIT_ERROR;
	vm_results_fini(&vr);
	return rc;
}

static void core_usage(void)
{
	fprintf(stderr,
		"Usage: %s core explain OBJ [--target FILE]... [--json]\n"
		"       %s core reloc OBJ [--target FILE] -o OUT.o\n"
		"       %s core check OBJ... [--target FILE... | --target-dir DIR] [--kernel IMAGE...] [--json]\n"
		"                 [--timeout SECS] [--jobs N] [--accel auto|kvm|tcg]\n"
		"Targets default to /sys/kernel/btf/vmlinux.  check --kernel IMAGE also boots IMAGE\n"
		"under qemu and loads each object there: its verdicts are the verifier's.\n",
		prog_name, prog_name, prog_name);
}

int cmd_core(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "target-dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "accel", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct targets ts = { 0 };
	char **owned = NULL;
	size_t nowned = 0;
	const char *sub, *outp = NULL;
	bool json = false;
	int c, rc = EXIT_ERROR;
	struct vm_opts vo = { .timeout = 60, .accel = "auto", .memory = 512, .who = "core check" };
	const char **kernels = NULL;
	size_t nk = 0;
	bool vm_opt = false;

	if (argc < 2) {
		core_usage();
		return EXIT_ERROR;
	}
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:D:jo:k:T:J:A:h", opts, NULL)) != -1) {
		char *end;
		unsigned long v;
		switch (c) {
		case 'k': {
			const char **nk2 = realloc(kernels, (nk + 1) * sizeof(*kernels));
			if (!nk2)
				goto out;
			kernels = nk2;
			kernels[nk++] = optarg;
			break;
		}
		case 'A':
			if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") && strcmp(optarg, "tcg")) {
				p_err("core check: --accel must be auto, kvm or tcg");
				goto out;
			}
			vo.accel = optarg;
			vm_opt = true;
			break;
		case 'T': case 'J':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || v > 1000000 || (c == 'T' && !v)) {
				p_err("core check: bad number '%s'", optarg);
				goto out;
			}
			if (c == 'T')
				vo.timeout = (unsigned)v;
			else
				vo.jobs = (unsigned)v;
			vm_opt = true;
			break;
		case 't': if (add_target(&ts, optarg)) goto out; break;
		case 'D': if (add_target_dir(&ts, optarg, &owned, &nowned)) goto out; break;
		case 'j': json = true; break;
		case 'o': outp = optarg; break;
		case 'h': core_usage(); rc = EXIT_OK; goto out;
		default: rc = bad_option("core", argc, argv); goto out;
		}
	}
	if (optind >= argc) {
		p_err("core %s: missing OBJ", sub);
		goto out;
	}
	if ((nk || vm_opt) && strcmp(sub, "check")) {
		p_err("core %s: --kernel, --timeout, --jobs and --accel are for core check", sub);
		goto out;
	}
	if (vm_opt && !nk) {
		p_err("core check: --timeout, --jobs and --accel need --kernel IMAGE");
		goto out;
	}
	if (!ts.n && !nk && add_target(&ts, "/sys/kernel/btf/vmlinux"))
		goto out;
	/* a kernel's column: its own BTF (read from the image), after the targets */
	for (size_t i = 0; i < nk; i++) {
		if (add_target(&ts, kernels[i]))
			goto out;
		ts.t[ts.n - 1].kernel = (long)i;
	}
	vo.kernels = kernels;
	vo.nkernels = nk;
	vo.json = json;
	if (!strcmp(sub, "explain")) {
		if (optind + 1 != argc) {
			p_err("core explain: one OBJ expected");
			goto out;
		}
		rc = do_explain(argv[optind], &ts, json);
	} else if (!strcmp(sub, "reloc")) {
		if (!outp || ts.n != 1 || optind + 1 != argc) {
			p_err("core reloc: needs one OBJ, one --target and -o OUT");
			goto out;
		}
		rc = do_reloc(argv[optind], ts.t[0].path, outp);
	} else if (!strcmp(sub, "check")) {
		rc = do_check(argv + optind, (size_t)(argc - optind), &ts, json, &vo);
	} else {
		p_err("core: unknown subcommand '%s' (explain, reloc, check)", sub);
	}
out:
	free(kernels);
	free_targets(&ts);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	return rc;
}
