// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool load: relocate a BPF object with btfx's CO-RE engine and load it
 * into the running kernel with libbpf, which applies no CO-RE of its own
 * (btfx_core_relocate_obj removed the records).  Per program: loaded (with
 * instruction count and translated size) or rejected with the verifier log;
 * a poisoned CO-RE instruction the verifier trips over is mapped back to its
 * relocation, source line and the engine's reason.
 *
 * With --kernel IMAGE the same command runs inside each kernel image booted
 * under qemu (vm.c); this file also renders the report for those runs.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "btfx/core.h"
#include "btfx/object.h"
#include "btftool.h"
#include "load.h"
#include "out.h"

#define POISON_CALL "call unknown#195896080"
#define POISON_FUNC "invalid func unknown#195896080"
#define VLOG_SIZE (16u << 20) /* verifier log buffer per failing program */

/* ------------------------------------------------------------------ */
/* report helpers                                                      */
/* ------------------------------------------------------------------ */

char *load_strdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d) {
		p_err("out of memory");
		exit(EXIT_ERROR);
	}
	return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		p_err("out of memory");
		exit(EXIT_ERROR);
	}
	return s;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		p_err("out of memory");
		exit(EXIT_ERROR);
	}
	return p;
}

static void strv_push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv) {
		p_err("out of memory");
		exit(EXIT_ERROR);
	}
	*v = nv;
	nv[(*n)++] = s;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void load_relo_fini(struct load_relo *x)
{
	if (!x)
		return;
	free(x->section);
	free(x->program);
	free(x->kind);
	free(x->spec);
	free(x->file);
	free(x->source);
	free(x->target);
	free(x->reason);
	strv_free(x->explain, x->nexplain);
	strv_free(x->hints, x->nhints);
	memset(x, 0, sizeof(*x));
}

void load_report_fini(struct load_report *r)
{
	for (size_t i = 0; i < r->nprogs; i++) {
		struct load_prog *p = &r->progs[i];
		free(p->name);
		free(p->section);
		free(p->type);
		free(p->message);
		free(p->log);
		free(p->pinned);
		if (p->relo) {
			load_relo_fini(p->relo);
			free(p->relo);
		}
	}
	free(r->progs);
	for (size_t i = 0; i < r->nmaps; i++) {
		free(r->maps[i].name);
		free(r->maps[i].type);
		free(r->maps[i].pinned);
	}
	free(r->maps);
	for (size_t i = 0; i < r->nrelo_errors; i++)
		load_relo_fini(&r->relo_errors[i]);
	free(r->relo_errors);
	free(r->object);
	free(r->target);
	free(r->kernel);
	free(r->error);
	free(r->note);
	if (r->btf) {
		free(r->btf->message);
		free(r->btf->log);
		free(r->btf);
	}
	memset(r, 0, sizeof(*r));
}

const char *load_status_str(enum load_status s)
{
	switch (s) {
	case LP_LOADED: return "loaded";
	case LP_REJECTED: return "rejected";
	case LP_ERROR: return "error";
	case LP_SKIPPED: return "skipped";
	}
	return "?";
}

static const char *short_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* start of the last n lines of log (whole log when n == 0) */
static const char *log_tail(const char *log, unsigned n, size_t *nlines, size_t *shown)
{
	size_t len = strlen(log), total = 0;
	const char *p = log + len;

	while (len && log[len - 1] == '\n')
		len--;
	for (size_t i = 0; i < len; i++)
		if (log[i] == '\n')
			total++;
	if (len)
		total++;
	*nlines = total;
	*shown = total;
	if (!n || n >= total)
		return log;
	p = log + len;
	for (unsigned k = 0; k < n; k++) {
		p--;
		while (p > log && p[-1] != '\n')
			p--;
	}
	*shown = n;
	return p;
}

/* ,"log":TAIL,"log_lines":N,"log_truncated":B (nothing without a log) */
static void json_log(struct out *o, const char *log, bool truncated, unsigned log_lines)
{
	size_t nl, shown;
	const char *t;

	if (!log)
		return;
	t = log_tail(log, log_lines, &nl, &shown);
	out_lit(o, ",\"log\":");
	out_json_str(o, t);
	out_printf(o, ",\"log_lines\":%zu,\"log_truncated\":%s", nl, truncated || shown < nl ? "true" : "false");
}

/* ------------------------------------------------------------------ */
/* rendering                                                           */
/* ------------------------------------------------------------------ */

static void json_str_or_null(struct out *o, const char *s)
{
	if (s)
		out_json_str(o, s);
	else
		out_lit(o, "null");
}

static void json_strv(struct out *o, char **v, size_t n)
{
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			out_char(o, ',');
		out_json_str(o, v[i]);
	}
	out_char(o, ']');
}

static void json_relo(struct out *o, const struct load_relo *x)
{
	out_printf(o, "{\"index\":%ld,\"section\":", x->index);
	json_str_or_null(o, x->section);
	out_lit(o, ",\"program\":");
	json_str_or_null(o, x->program);
	out_printf(o, ",\"insn\":%u,\"kind\":", x->insn);
	json_str_or_null(o, x->kind);
	out_lit(o, ",\"spec\":");
	json_str_or_null(o, x->spec);
	if (x->file) {
		out_lit(o, ",\"file\":");
		out_json_str(o, x->file);
		out_printf(o, ",\"line\":%u,\"col\":%u", x->line, x->col);
	}
	if (x->source) {
		out_lit(o, ",\"source\":");
		out_json_str(o, x->source);
	}
	out_lit(o, ",\"target\":");
	json_str_or_null(o, x->target);
	out_lit(o, ",\"reason\":");
	json_str_or_null(o, x->reason);
	out_lit(o, ",\"candidates\":");
	json_strv(o, x->explain, x->nexplain);
	out_lit(o, ",\"near_misses\":");
	json_strv(o, x->hints, x->nhints);
	out_char(o, '}');
}

void load_prog_json(struct out *o, const struct load_prog *p, unsigned log_lines)
{
	out_lit(o, "{\"name\":");
	json_str_or_null(o, p->name);
	out_lit(o, ",\"section\":");
	json_str_or_null(o, p->section);
	out_lit(o, ",\"type\":");
	json_str_or_null(o, p->type);
	out_printf(o, ",\"status\":\"%s\"", load_status_str(p->status));
	if (p->status == LP_LOADED) {
		out_printf(o, ",\"insns\":%u,\"xlated_bytes\":%u,\"jited_bytes\":%u,\"verified_insns\":%u", p->insns,
			   p->xlated, p->jited, p->verified);
		if (p->id)
			out_printf(o, ",\"id\":%u", p->id);
		if (p->pinned) {
			out_lit(o, ",\"pinned\":");
			out_json_str(o, p->pinned);
		}
	} else {
		if (p->err)
			out_printf(o, ",\"errno\":%d", p->err);
		out_lit(o, ",\"message\":");
		json_str_or_null(o, p->message);
		if (p->insns)
			out_printf(o, ",\"insns\":%u", p->insns);
		if (p->poison_insn >= 0)
			out_printf(o, ",\"poisoned_insn\":%ld", p->poison_insn);
		if (p->relo) {
			out_lit(o, ",\"relocation\":");
			json_relo(o, p->relo);
		}
		json_log(o, p->log, p->log_truncated, log_lines);
	}
	out_char(o, '}');
}

/* ,"error":...,"note":...,"exit":N} closing a report */
static void json_report_end(struct out *o, const struct load_report *r)
{
	if (r->error) {
		out_lit(o, ",\"error\":");
		out_json_str(o, r->error);
	}
	if (r->note) {
		out_lit(o, ",\"note\":");
		out_json_str(o, r->note);
	}
	out_printf(o, ",\"exit\":%d}", r->exit);
}

/* --btf: {"object", "kernel", "btf": {"bytes", "status", "errno", "message", "log", ...}, "exit"} */
static void btf_report_json(struct out *o, const struct load_report *r, unsigned log_lines)
{
	const struct load_btf *b = r->btf;

	out_lit(o, "{\"object\":");
	json_str_or_null(o, r->object);
	out_lit(o, ",\"kernel\":");
	json_str_or_null(o, r->kernel);
	out_printf(o, ",\"btf\":{\"bytes\":%zu,\"status\":\"%s\"", b->bytes, load_status_str(b->status));
	if (b->status != LP_LOADED) {
		if (b->err)
			out_printf(o, ",\"errno\":%d", b->err);
		out_lit(o, ",\"message\":");
		json_str_or_null(o, b->message);
	}
	json_log(o, b->log, b->log_truncated, log_lines);
	out_char(o, '}');
	json_report_end(o, r);
}

void load_report_json(struct out *o, const struct load_report *r, unsigned log_lines)
{
	if (r->btf) {
		btf_report_json(o, r, log_lines);
		return;
	}
	out_lit(o, "{\"object\":");
	json_str_or_null(o, r->object);
	out_lit(o, ",\"target\":");
	json_str_or_null(o, r->target);
	out_lit(o, ",\"kernel\":");
	json_str_or_null(o, r->kernel);
	out_printf(o, ",\"relocations\":%zu,\"poisoned\":%zu,\"programs\":[", r->nrelo, r->npoisoned);
	for (size_t i = 0; i < r->nprogs; i++) {
		if (i)
			out_char(o, ',');
		load_prog_json(o, &r->progs[i], log_lines);
	}
	out_lit(o, "],\"maps\":[");
	for (size_t i = 0; i < r->nmaps; i++) {
		if (i)
			out_char(o, ',');
		out_lit(o, "{\"name\":");
		json_str_or_null(o, r->maps[i].name);
		out_lit(o, ",\"type\":");
		json_str_or_null(o, r->maps[i].type);
		if (r->maps[i].pinned) {
			out_lit(o, ",\"pinned\":");
			out_json_str(o, r->maps[i].pinned);
		}
		out_char(o, '}');
	}
	out_lit(o, "],\"relocation_errors\":[");
	for (size_t i = 0; i < r->nrelo_errors; i++) {
		if (i)
			out_char(o, ',');
		json_relo(o, &r->relo_errors[i]);
	}
	out_char(o, ']');
	json_report_end(o, r);
}

static void text_relo(struct out *o, const struct load_relo *x, const char *ind)
{
	out_printf(o, "%sCO-RE relocation #%ld %s+%u", ind, x->index, x->program ? x->program : "?", x->insn);
	if (x->file)
		out_printf(o, " %s:%u", short_name(x->file), x->line);
	out_printf(o, " %s %s\n", x->kind ? x->kind : "", x->spec ? x->spec : "");
	if (x->source && x->source[0]) {
		const char *s = x->source;
		while (*s == ' ' || *s == '\t')
			s++;
		out_printf(o, "%s  source: %s\n", ind, s);
	}
	out_printf(o, "%s  %s: %s\n", ind, x->target ? short_name(x->target) : "target",
		   x->reason && x->reason[0] ? x->reason : "failed");
	for (size_t i = 0; i < x->nexplain; i++)
		out_printf(o, "%s    %s\n", ind, x->explain[i]);
	for (size_t i = 0; i < x->nhints; i++)
		out_printf(o, "%s    near miss: %s\n", ind, x->hints[i]);
}

static void text_log(struct out *o, const char *what, const char *log, bool truncated, unsigned n, const char *ind)
{
	size_t nl, shown;
	const char *t = log_tail(log, n, &nl, &shown);
	const char *e;

	out_printf(o, "%s%s (", ind, what);
	if (shown < nl)
		out_printf(o, "last %zu of %zu lines", shown, nl);
	else
		out_printf(o, "%zu lines", nl);
	out_printf(o, "%s):\n", truncated ? ", truncated" : "");
	while (*t) {
		e = strchr(t, '\n');
		if (!e)
			e = t + strlen(t);
		if (e > t || *e)
			out_printf(o, "%s  %.*s\n", ind, (int)(e - t), t);
		t = *e ? e + 1 : e;
	}
}

/* --btf: "FILE: BTF, N bytes, kernel K: loaded" or REJECTED with the kernel's log */
static void btf_report_text(struct out *o, const struct load_report *r, const char *ind, unsigned log_lines)
{
	const struct load_btf *b = r->btf;
	char ind2[64];

	snprintf(ind2, sizeof(ind2), "%s  ", ind);
	out_printf(o, "%s%s: BTF, %zu bytes", ind, r->object ? r->object : "?", b->bytes);
	if (r->kernel)
		out_printf(o, ", kernel %s", r->kernel);
	if (b->status == LP_LOADED) {
		out_str(o, ": loaded\n");
	} else {
		out_printf(o, ": %s", b->status == LP_REJECTED ? "REJECTED" : "ERROR");
		if (b->err)
			out_printf(o, " (errno %d)", b->err);
		out_printf(o, ": %s\n", b->message ? b->message : r->error ? r->error : "");
	}
	if (b->status != LP_LOADED && b->log && b->log[0])
		text_log(o, "BTF verifier log", b->log, b->log_truncated, log_lines ? log_lines : 30, ind2);
	if (r->note)
		out_printf(o, "%snote: %s\n", ind2, r->note);
}

void load_report_text(struct out *o, const struct load_report *r, const char *ind, unsigned log_lines)
{
	size_t nload = 0;
	char ind2[64], ind4[64];

	if (r->btf) {
		btf_report_text(o, r, ind, log_lines);
		return;
	}
	snprintf(ind2, sizeof(ind2), "%s  ", ind);
	snprintf(ind4, sizeof(ind4), "%s    ", ind);

	for (size_t i = 0; i < r->nprogs; i++)
		nload += r->progs[i].status == LP_LOADED;
	out_printf(o, "%s%s: %zu/%zu programs loaded, %zu maps; %zu CO-RE relocations", ind,
		   r->object ? r->object : "?", nload, r->nprogs, r->nmaps, r->nrelo);
	if (r->npoisoned)
		out_printf(o, " (%zu poisoned)", r->npoisoned);
	if (r->target)
		out_printf(o, " against %s", r->target);
	if (r->kernel)
		out_printf(o, "; kernel %s", r->kernel);
	out_char(o, '\n');
	if (r->error)
		out_printf(o, "%s  error: %s\n", ind, r->error);
	for (size_t i = 0; i < r->nrelo_errors; i++)
		text_relo(o, &r->relo_errors[i], ind2);
	for (size_t i = 0; i < r->nprogs; i++) {
		const struct load_prog *p = &r->progs[i];
		out_printf(o, "%s  %s (%s%s%s): ", ind, p->name, p->type ? p->type : "", p->type ? ", " : "",
			   p->section ? p->section : "?");
		if (p->status == LP_LOADED) {
			out_printf(o, "loaded, %u insns, xlated %u B, jited %u B, verified %u insns", p->insns, p->xlated,
				   p->jited, p->verified);
			if (p->pinned)
				out_printf(o, ", pinned %s", p->pinned);
			out_char(o, '\n');
			continue;
		}
		out_printf(o, "%s: %s\n", p->status == LP_REJECTED ? "REJECTED" : p->status == LP_ERROR ? "ERROR" : "skipped",
			   p->message ? p->message : "");
		if (p->poison_insn >= 0 && !p->relo)
			out_printf(o, "%s    verifier instruction %ld is a poisoned CO-RE relocation (not mapped to one)\n",
				   ind, p->poison_insn);
		if (p->relo)
			text_relo(o, p->relo, ind4);
		if (p->log && p->log[0])
			text_log(o, "verifier log", p->log, p->log_truncated, log_lines ? log_lines : p->relo ? 8 : 30,
				 ind4);
	}
	if (r->note)
		out_printf(o, "%s  note: %s\n", ind, r->note);
}

/* ------------------------------------------------------------------ */
/* loading                                                             */
/* ------------------------------------------------------------------ */

struct lctx {
	const char *objpath;
	struct btfx_obj *obj;
	const char *target_path;
	struct btfx *vmlinux;
	struct btfx **mods;
	size_t nmods;
	struct btfx_core_result *res;
	size_t nres;
	void *elf;
	size_t elf_size;
	char *vlog; /* VLOG_SIZE */
};

/* libbpf's messages: kept (warnings) to explain errors; all of them on stderr with -v */
static bool verbose;
static char *lmsg;
static size_t lmsg_len, lmsg_cap;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[2048];
	int n;

	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (verbose)
		fputs(buf, stderr);
	if (level == LIBBPF_DEBUG)
		return 0;
	if (lmsg_len + (size_t)n + 1 > lmsg_cap) {
		size_t cap = (lmsg_cap ? lmsg_cap * 2 : 4096) + (size_t)n;
		char *m = realloc(lmsg, cap);
		if (!m)
			return 0;
		lmsg = m;
		lmsg_cap = cap;
	}
	memcpy(lmsg + lmsg_len, buf, (size_t)n);
	lmsg_len += (size_t)n;
	lmsg[lmsg_len] = 0;
	return 0;
}

static void lmsg_reset(void)
{
	lmsg_len = 0;
	if (lmsg)
		lmsg[0] = 0;
}

/* the most telling libbpf warning line: the first one (later ones repeat it) */
static char *lmsg_first(void)
{
	const char *s = lmsg, *e;

	if (!s || !*s)
		return NULL;
	e = strchr(s, '\n');
	return xasprintf("libbpf: %.*s", (int)(e ? e - s : (long)strlen(s)), s);
}

static bool has_bpf_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
	return (d[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))) ||
	       (d[CAP_BPF / 32].effective & (1u << (CAP_BPF % 32)));
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

/* Explain relocation i (decided in c->res[i]) into x. */
static void explain_relo(struct lctx *c, size_t i, struct load_relo *x)
{
	size_t nrelo, ns;
	const struct btfx_core_relo_rec *r = &btfx_obj_core_relos(c->obj, &nrelo)[i];
	const struct btfx_obj_sec *secs = btfx_obj_secs(c->obj, &ns);
	const struct btfx_core_result *res = &c->res[i];
	const struct btfx_line_info *line;
	const char *prog;
	uint32_t pinsn;
	struct btfx_core_ctx *ctx;

	memset(x, 0, sizeof(*x));
	relo_where(c->obj, r, &prog, &pinsn, &line);
	x->index = (long)i;
	x->section = load_strdup(secs[r->sec].name);
	x->program = load_strdup(prog);
	x->insn = pinsn;
	x->kind = load_strdup(btfx_core_kind_str(r->kind));
	x->spec = load_strdup(res->local_spec_str[0] ? res->local_spec_str : r->access_str);
	if (line) {
		x->file = load_strdup(line->file);
		x->source = load_strdup(line->line);
		x->line = line->line_nr;
		x->col = line->col;
	}
	x->target = load_strdup(c->target_path);
	x->reason = load_strdup(res->reason[0] ? res->reason : res->status == BTFX_CORE_OK ? "relocated" : "failed");
	for (size_t k = 0; k < res->ncands; k++) {
		const struct btfx_core_cand *cd = &res->cands[k];
		const struct btfx_type *t = btfx_type_by_id(cd->btf, cd->id);
		const char *nm = t ? btfx_str(cd->btf, t->name_off) : NULL;
		if (k == 8) {
			strv_push(&x->explain, &x->nexplain, xasprintf("... %zu more candidates", res->ncands - 8));
			break;
		}
		strv_push(&x->explain, &x->nexplain,
			  xasprintf("candidate [%u] %s %s: %s%s", cd->id, t ? btfx_kind_str(btfx_kind(t)) : "?", nm ? nm : "",
				    cd->matched ? "matched " : "", cd->matched ? cd->spec_str : btfx_core_miss_str(cd->miss)));
	}
	ctx = btfx_core_ctx_new(btfx_obj_btf(c->obj), c->vmlinux, (const struct btfx *const *)c->mods, c->nmods);
	if (ctx) {
		struct btfx_core_hint hints[6];
		size_t nh = btfx_core_near_misses(ctx, r->type_id, r->access_str, r->kind, res, hints, 6);
		for (size_t k = 0; k < nh && k < 6; k++)
			strv_push(&x->hints, &x->nhints, load_strdup(hints[k].text));
		btfx_core_ctx_free(ctx);
	}
}

/* Verifier log: index of the poisoned call the verifier rejected, or -1. */
static long find_poison_insn(const char *log)
{
	const char *hit = strstr(log, POISON_FUNC), *p;

	if (!hit)
		return -1;
	/* the instruction line "N: (85) call unknown#195896080" before it */
	for (p = hit; p > log;) {
		const char *ls = p - 1;
		char *end;
		long n;
		while (ls > log && ls[-1] != '\n')
			ls--;
		if (ls[0] >= '0' && ls[0] <= '9') {
			n = strtol(ls, &end, 10);
			if (!strncmp(end, ": (85) " POISON_CALL, 7 + strlen(POISON_CALL)))
				return n;
		}
		p = ls;
	}
	return -1;
}

#ifndef BPF_PSEUDO_CALL
#define BPF_PSEUDO_CALL 1
#endif
#ifndef BPF_PSEUDO_FUNC
#define BPF_PSEUDO_FUNC 4
#endif

static bool is_call(const struct bpf_insn *in) { return in->code == (BPF_JMP | BPF_CALL); }
static bool is_ldimm64(const struct bpf_insn *in) { return in->code == (BPF_LD | BPF_IMM | BPF_DW); }

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Does ELF function f (with its relocated instructions known only as the
 * original code plus relocation sites) match final[start..]?  Compares opcodes
 * and destination registers, skipping CO-RE relocation sites. */
static bool func_matches(struct lctx *c, const struct btfx_obj_prog *f, const struct bpf_insn *fin, size_t nfin,
			 size_t start)
{
	size_t ns, nrelo;
	const struct btfx_obj_sec *secs = btfx_obj_secs(c->obj, &ns);
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(c->obj, &nrelo);
	const struct btfx_insn *src = secs[f->sec].insns + f->first_insn;

	if (start + f->insn_cnt > nfin)
		return false;
	for (uint32_t k = 0; k < f->insn_cnt; k++) {
		bool site = false;
		for (size_t i = 0; i < nrelo && !site; i++)
			site = relos[i].sec == f->sec && relos[i].insn_off / 8 == f->first_insn + k;
		if (site)
			continue;
		if (src[k].code != fin[start + k].code || src[k].dst_reg != fin[start + k].dst_reg)
			return false;
	}
	return true;
}

/*
 * Map the verifier's instruction index n (in the program as loaded: the main
 * function followed by the subprograms libbpf appended) to a poisoned
 * relocation.  Subprogram starts are recovered from the final instructions'
 * pseudo calls; the function at a start is identified by its code.
 */
static long map_poison(struct lctx *c, const char *main_name, struct bpf_program *bp, long n)
{
	const struct bpf_insn *fin = bpf_program__insns(bp);
	size_t nfin = bpf_program__insn_cnt(bp), nrelo, np, nst = 1;
	const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(c->obj, &nrelo);
	const struct btfx_obj_prog *progs = btfx_obj_progs(c->obj, &np);
	uint32_t *starts, start = 0;
	long found = -1;

	if (!fin || n < 0 || (size_t)n >= nfin)
		return -1;
	starts = xcalloc(nfin + 1, sizeof(*starts));
	starts[0] = 0;
	for (size_t i = 0; i < nfin; i++) {
		long t;
		if ((is_call(&fin[i]) && fin[i].src_reg == BPF_PSEUDO_CALL) ||
		    (is_ldimm64(&fin[i]) && fin[i].src_reg == BPF_PSEUDO_FUNC)) {
			t = (long)i + 1 + fin[i].imm;
			if (t > 0 && (size_t)t < nfin)
				starts[nst++] = (uint32_t)t;
		}
	}
	qsort(starts, nst, sizeof(*starts), cmp_u32);
	for (size_t i = 0; i < nst; i++)
		if (starts[i] <= (uint32_t)n)
			start = starts[i];
	free(starts);
	for (size_t i = 0; i < nrelo && found < 0; i++) {
		uint32_t idx = relos[i].insn_off / 8;
		const struct btfx_obj_prog *f;
		if (c->res[i].status != BTFX_CORE_POISONED)
			continue;
		f = btfx_obj_prog_at(c->obj, relos[i].sec, idx);
		if (!f || idx - f->first_insn != (uint32_t)n - start)
			continue;
		if (start == 0 && strcmp(f->name, main_name))
			continue;
		if (start != 0 && !func_matches(c, f, fin, nfin, start))
			continue;
		found = (long)i;
	}
	(void)progs;
	return found;
}

/* one line of the verifier's verdict: the last line that is not statistics */
static char *verifier_verdict(const char *log)
{
	const char *end = log + strlen(log);

	while (end > log) {
		const char *e = end, *s;
		while (e > log && (e[-1] == '\n' || e[-1] == ' '))
			e--;
		s = e;
		while (s > log && s[-1] != '\n')
			s--;
		if (e > s && strncmp(s, "processed ", 10) && strncmp(s, "verification time", 17) &&
		    strncmp(s, "stack depth", 11) && strncmp(s, "Func#", 5))
			return xasprintf("%.*s", (int)(e - s), s);
		end = s;
	}
	return NULL;
}

static void fill_loaded(struct load_prog *lp, struct bpf_program *bp)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(bp);

	lp->status = LP_LOADED;
	lp->insns = (unsigned)bpf_program__insn_cnt(bp);
	memset(&info, 0, sizeof(info));
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
		lp->xlated = info.xlated_prog_len;
		lp->jited = info.jited_prog_len;
		lp->verified = info.verified_insns;
		lp->id = info.id;
	}
}

static struct bpf_object *open_mem(struct lctx *c, char **why)
{
	/* the name libbpf gives an object it opens from a file (basename up
	 * to the first dot): internal maps are then named alike */
	char name[64];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = name);
	struct bpf_object *o;

	snprintf(name, sizeof(name), "%s", short_name(c->objpath));
	name[strcspn(name, ".")] = 0;
	lmsg_reset();
	o = bpf_object__open_mem(c->elf, c->elf_size, &oo);
	if (!o) {
		int e = errno;
		char *m = lmsg_first();
		*why = m ? m : xasprintf("libbpf cannot open the relocated object: %s", strerror(e));
	}
	return o;
}

/* The verdict on program bp whose load failed with err, log its verifier log. */
static void record_failure(struct lctx *c, struct load_prog *lp, struct bpf_program *bp, const char *log, int err)
{
	lp->err = err;
	lp->insns = (unsigned)bpf_program__insn_cnt(bp);
	if (log[0]) {
		lp->status = LP_REJECTED;
		lp->log = load_strdup(log);
		lp->log_truncated = lp->err == -ENOSPC;
		lp->message = verifier_verdict(log);
		lp->poison_insn = find_poison_insn(log);
		if (lp->poison_insn >= 0) {
			long ri = map_poison(c, lp->name, bp, lp->poison_insn);
			if (ri >= 0) {
				lp->relo = xcalloc(1, sizeof(*lp->relo));
				explain_relo(c, (size_t)ri, lp->relo);
				free(lp->message);
				if (lp->relo->file)
					lp->message = xasprintf("insn %ld is poisoned CO-RE relocation #%ld (%s:%u): %s",
								lp->poison_insn, ri, short_name(lp->relo->file),
								lp->relo->line, lp->relo->reason);
				else
					lp->message = xasprintf("insn %ld is poisoned CO-RE relocation #%ld: %s",
								lp->poison_insn, ri, lp->relo->reason);
			}
		}
		if (!lp->message)
			lp->message = xasprintf("rejected by the kernel: %s", strerror(-lp->err));
	} else {
		char *m = lmsg_first();
		/* refused by the kernel without a verifier log (e.g. EINVAL
		 * from attributes) counts as a rejection; anything libbpf
		 * could not do before loading (maps, permissions) is an error */
		lp->status = (lp->err == -EINVAL || lp->err == -E2BIG || lp->err == -524 || lp->err == -EOPNOTSUPP) &&
				     m && strstr(m, "program load failed")
			     ? LP_REJECTED
			     : LP_ERROR;
		lp->message = m ? m : xasprintf("load failed: %s", strerror(-lp->err));
	}
}

/* Load program `name` alone and record the verdict. */
static void load_alone(struct lctx *c, struct load_prog *lp)
{
	struct bpf_object *o;
	struct bpf_program *bp, *mine = NULL;
	char *why = NULL;
	int e;

	o = open_mem(c, &why);
	if (!o) {
		lp->status = LP_ERROR;
		lp->message = why;
		return;
	}
	bpf_object__for_each_program(bp, o) {
		bool me = !strcmp(bpf_program__name(bp), lp->name);
		bpf_program__set_autoload(bp, me);
		if (me)
			mine = bp;
	}
	if (!mine) {
		lp->status = LP_ERROR;
		lp->message = load_strdup("libbpf does not see this program");
		bpf_object__close(o);
		return;
	}
	if (!c->vlog)
		c->vlog = xcalloc(VLOG_SIZE, 1);
	c->vlog[0] = 0;
	bpf_program__set_log_buf(mine, c->vlog, VLOG_SIZE);
	lmsg_reset();
	e = bpf_object__load(o);
	if (!e) {
		fill_loaded(lp, mine);
		bpf_object__close(o);
		return;
	}
	record_failure(c, lp, mine, c->vlog, e < 0 ? e : -errno);
	bpf_object__close(o);
}

static int mkdir_p(const char *dir)
{
	char *d = load_strdup(dir), *p;
	int e = 0;

	for (p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(d, 0700) && errno != EEXIST)
			e = -errno;
		*p = '/';
	}
	if (!e && mkdir(d, 0700) && errno != EEXIST)
		e = -errno;
	free(d);
	return e;
}

static int pin_all(struct bpf_object *o, struct load_report *rep, const char *dir)
{
	struct bpf_program *bp;
	struct bpf_map *m;
	char *mdir;
	int e;

	e = mkdir_p(dir);
	if (e) {
		rep->error = xasprintf("--pin %s: %s", dir, strerror(-e));
		return e;
	}
	bpf_object__for_each_program(bp, o) {
		char *path;
		if (bpf_program__fd(bp) < 0)
			continue;
		path = xasprintf("%s/%s", dir, bpf_program__name(bp));
		lmsg_reset();
		e = bpf_program__pin(bp, path);
		if (e) {
			rep->error = xasprintf("cannot pin program at %s: %s (is %s on a bpf filesystem?)", path,
					       strerror(-e), dir);
			free(path);
			return e;
		}
		for (size_t i = 0; i < rep->nprogs; i++)
			if (!strcmp(rep->progs[i].name, bpf_program__name(bp)))
				rep->progs[i].pinned = load_strdup(path);
		free(path);
	}
	mdir = xasprintf("%s/maps", dir);
	bpf_object__for_each_map(m, o) {
		char *path;
		if (bpf_map__fd(m) < 0)
			continue;
		e = mkdir_p(mdir);
		if (e) {
			rep->error = xasprintf("cannot create %s: %s", mdir, strerror(-e));
			free(mdir);
			return e;
		}
		path = xasprintf("%s/%s", mdir, bpf_map__name(m));
		/* bpffs refuses dots in names (".rodata" maps): as libbpf, use '_' */
		for (char *q = path + strlen(mdir) + 1; *q; q++)
			if (*q == '.')
				*q = '_';
		e = bpf_map__pin(m, path);
		if (e) {
			rep->error = xasprintf("cannot pin map at %s: %s", path, strerror(-e));
			free(path);
			free(mdir);
			return e;
		}
		for (size_t i = 0; i < rep->nmaps; i++)
			if (!strcmp(rep->maps[i].name, bpf_map__name(m)) && !rep->maps[i].pinned)
				rep->maps[i].pinned = load_strdup(path);
		free(path);
	}
	free(mdir);
	return 0;
}

static void unpin_all(struct load_report *rep, const char *dir)
{
	char *mdir = xasprintf("%s/maps", dir);

	for (size_t i = 0; i < rep->nprogs; i++)
		if (rep->progs[i].pinned) {
			unlink(rep->progs[i].pinned);
			free(rep->progs[i].pinned);
			rep->progs[i].pinned = NULL;
		}
	for (size_t i = 0; i < rep->nmaps; i++)
		if (rep->maps[i].pinned) {
			unlink(rep->maps[i].pinned);
			free(rep->maps[i].pinned);
			rep->maps[i].pinned = NULL;
		}
	rmdir(mdir);
	free(mdir);
}

static int open_targets(struct lctx *c, const char *target, struct load_report *rep)
{
	struct btfx_error err;

	c->target_path = target ? target : "/sys/kernel/btf/vmlinux";
	c->vmlinux = btfx_open(c->target_path, NULL, &err);
	if (!c->vmlinux) {
		rep->error = load_strdup(err.msg[0] ? err.msg : "cannot open the target BTF");
		return -1;
	}
	if (!target) {
		/* the running kernel: its modules too, as libbpf searches them */
		DIR *d = opendir("/sys/kernel/btf");
		struct dirent *de;
		while (d && (de = readdir(d))) {
			struct btfx_open_opts oo = { .sz = sizeof(oo), .base = c->vmlinux, .flags = BTFX_F_NO_AUTO_BASE };
			struct btfx **nm;
			struct btfx *b;
			char *p;
			if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
				continue;
			p = xasprintf("/sys/kernel/btf/%s", de->d_name);
			b = btfx_open(p, &oo, &err);
			free(p);
			if (!b)
				continue; /* a module whose BTF btfx cannot read is not a target */
			nm = realloc(c->mods, (c->nmods + 1) * sizeof(*nm));
			if (!nm) {
				btfx_free(b);
				break;
			}
			c->mods = nm;
			c->mods[c->nmods++] = b;
		}
		if (d)
			closedir(d);
	}
	return 0;
}

static void lctx_fini(struct lctx *c)
{
	btfx_core_results_free(c->res, c->nres);
	for (size_t i = 0; i < c->nmods; i++)
		btfx_free(c->mods[i]);
	free(c->mods);
	btfx_free(c->vmlinux);
	btfx_obj_free(c->obj);
	free(c->elf);
	free(c->vlog);
}

static int do_load(const char *objpath, const char *target, const char *pin, struct load_report *rep)
{
	struct lctx c = { .objpath = objpath };
	struct btfx_error err;
	struct bpf_object *o = NULL;
	struct bpf_program *bp;
	struct bpf_map *m;
	struct utsname u;
	size_t nrelo;
	char *why = NULL, **bufs = NULL;
	int e;

	rep->object = load_strdup(objpath);
	if (!uname(&u))
		rep->kernel = load_strdup(u.release);
	c.obj = btfx_obj_open(objpath, &err);
	if (!c.obj) {
		rep->error = load_strdup(err.msg[0] ? err.msg : "cannot open the object");
		goto error;
	}
	if (open_targets(&c, target, rep))
		goto error;
	rep->target = load_strdup(c.target_path);
	btfx_obj_core_relos(c.obj, &nrelo);
	rep->nrelo = nrelo;
	e = btfx_core_relocate_obj(c.obj, c.vmlinux, (const struct btfx *const *)c.mods, c.nmods, &c.elf, &c.elf_size,
				   &c.res, &c.nres);
	if (e == -ENOMEM) {
		rep->error = load_strdup("out of memory");
		goto error;
	}
	for (size_t i = 0; i < c.nres; i++)
		rep->npoisoned += c.res[i].status == BTFX_CORE_POISONED;
	if (e) {
		/* libbpf would refuse the whole object: nothing is loaded */
		size_t np;
		const struct btfx_obj_prog *progs = btfx_obj_progs(c.obj, &np);
		const struct btfx_core_relo_rec *relos = btfx_obj_core_relos(c.obj, &nrelo);
		for (size_t i = 0; i < c.nres; i++)
			if (c.res[i].status == BTFX_CORE_ERROR)
				rep->nrelo_errors++;
		rep->relo_errors = xcalloc(rep->nrelo_errors, sizeof(*rep->relo_errors));
		rep->nrelo_errors = 0;
		for (size_t i = 0; i < c.nres; i++)
			if (c.res[i].status == BTFX_CORE_ERROR)
				explain_relo(&c, i, &rep->relo_errors[rep->nrelo_errors++]);
		rep->progs = xcalloc(np, sizeof(*rep->progs));
		for (size_t i = 0; i < np; i++) {
			struct load_prog *lp;
			long bad = -1;
			size_t ns;
			const struct btfx_obj_sec *secs = btfx_obj_secs(c.obj, &ns);
			if (!progs[i].global) /* static functions are subprograms, not programs */
				continue;
			if (!strcmp(secs[progs[i].sec].name, ".text"))
				continue;
			lp = &rep->progs[rep->nprogs++];
			lp->name = load_strdup(progs[i].name);
			lp->section = load_strdup(secs[progs[i].sec].name);
			lp->poison_insn = -1;
			for (size_t k = 0; k < c.nres && bad < 0; k++)
				if (c.res[k].status == BTFX_CORE_ERROR && relos[k].sec == progs[i].sec &&
				    relos[k].insn_off / 8 >= progs[i].first_insn &&
				    relos[k].insn_off / 8 < progs[i].first_insn + progs[i].insn_cnt)
					bad = (long)k;
			lp->status = bad >= 0 ? LP_REJECTED : LP_SKIPPED;
			lp->message = bad >= 0 ? xasprintf("CO-RE relocation #%ld cannot be applied: %s", bad,
							   c.res[bad].reason[0] ? c.res[bad].reason : "error")
					       : load_strdup("not loaded: the object has CO-RE relocations that cannot be "
							     "applied (a loader refuses the whole object)");
		}
		rep->exit = EXIT_NEGATIVE;
		goto out;
	}
	o = open_mem(&c, &why);
	if (!o) {
		rep->error = why;
		goto error;
	}
	{
		size_t n = 0;
		bpf_object__for_each_program(bp, o)
			n++;
		rep->progs = xcalloc(n, sizeof(*rep->progs));
		bpf_object__for_each_program(bp, o) {
			struct load_prog *lp = &rep->progs[rep->nprogs++];
			const char *ts = libbpf_bpf_prog_type_str(bpf_program__type(bp));
			lp->name = load_strdup(bpf_program__name(bp));
			lp->section = load_strdup(bpf_program__section_name(bp));
			lp->type = load_strdup(ts ? ts : "unspec");
			lp->poison_insn = -1;
			if (!bpf_program__autoload(bp)) {
				lp->status = LP_SKIPPED;
				lp->message = load_strdup("not loaded by default (SEC(\"?...\"))");
			}
		}
		n = 0;
		bpf_object__for_each_map(m, o)
			n++;
		rep->maps = xcalloc(n, sizeof(*rep->maps));
		bpf_object__for_each_map(m, o) {
			const char *ts = libbpf_bpf_map_type_str(bpf_map__type(m));
			rep->maps[rep->nmaps].name = load_strdup(bpf_map__name(m));
			rep->maps[rep->nmaps++].type = load_strdup(ts ? ts : "unspec");
		}
	}
	bufs = xcalloc(rep->nprogs, sizeof(*bufs));
	{
		size_t i = 0;
		bpf_object__for_each_program(bp, o) {
			if (i < rep->nprogs && rep->progs[i].status != LP_SKIPPED) {
				bufs[i] = xcalloc(VLOG_SIZE, 1);
				bpf_program__set_log_buf(bp, bufs[i], VLOG_SIZE);
			}
			i++;
		}
	}
	lmsg_reset();
	e = bpf_object__load(o); /* -errno */
	if (!e) {
		size_t i = 0;
		bpf_object__for_each_program(bp, o) {
			if (rep->progs[i].status != LP_SKIPPED)
				fill_loaded(&rep->progs[i], bp);
			i++;
		}
		if (pin && pin_all(o, rep, pin)) {
			unpin_all(rep, pin);
			goto error;
		}
		rep->exit = EXIT_OK;
		goto out;
	}
	/*
	 * A program (or a map) failed.  libbpf stops at the first program
	 * the kernel rejects: each has its own verifier log buffer (untouched
	 * memory unless written), the one with a log is the culprit; it is
	 * recorded and the object loaded again without it, until the rest
	 * loads.  Without a log to tell which program failed, each remaining
	 * one is loaded alone.
	 */
	{
		size_t np = rep->nprogs;
		bool *decided = xcalloc(np, sizeof(*decided));
		int le = e;

		for (size_t i = 0; i < np; i++)
			decided[i] = rep->progs[i].status == LP_SKIPPED;
		for (;;) {
			size_t i = 0, bad = np;
			struct bpf_program *badbp = NULL;
			bpf_object__for_each_program(bp, o) {
				if (i < np && !decided[i] && bufs[i] && bufs[i][0]) {
					bad = i;
					badbp = bp;
					break;
				}
				i++;
			}
			if (bad == np) {
				/* no log says which: one by one */
				bpf_object__close(o);
				o = NULL;
				for (i = 0; i < np; i++)
					if (!decided[i])
						load_alone(&c, &rep->progs[i]);
				break;
			}
			record_failure(&c, &rep->progs[bad], badbp, bufs[bad], le);
			decided[bad] = true;
			bpf_object__close(o);
			o = open_mem(&c, &why);
			if (!o) {
				rep->error = why;
				break;
			}
			i = 0;
			{
				size_t nauto = 0;
				bpf_object__for_each_program(bp, o) {
					bool on = i < np && !decided[i];
					bpf_program__set_autoload(bp, on);
					if (on) {
						if (!bufs[i])
							bufs[i] = xcalloc(VLOG_SIZE, 1);
						bufs[i][0] = 0;
						bpf_program__set_log_buf(bp, bufs[i], VLOG_SIZE);
						nauto++;
					}
					i++;
				}
				if (!nauto)
					break;
			}
			lmsg_reset();
			le = bpf_object__load(o);
			if (le)
				continue;
			i = 0;
			bpf_object__for_each_program(bp, o) {
				if (i < np && !decided[i])
					fill_loaded(&rep->progs[i], bp);
				i++;
			}
			break;
		}
		free(decided);
	}
	rep->exit = EXIT_OK;
	for (size_t i = 0; i < rep->nprogs; i++) {
		if (rep->progs[i].status == LP_ERROR)
			rep->exit = EXIT_ERROR;
		else if (rep->progs[i].status == LP_REJECTED && rep->exit == EXIT_OK)
			rep->exit = EXIT_NEGATIVE;
	}
	if (rep->error)
		rep->exit = EXIT_ERROR;
	if (rep->exit == EXIT_OK) {
		/* every program loads alone, not together */
		char *m1 = lmsg_first();
		rep->error = m1 ? m1 : load_strdup("the programs load one by one but not together");
		rep->exit = EXIT_ERROR;
	}
	if (pin)
		rep->note = xasprintf("nothing pinned in %s: not every program loaded", pin);
	/* the programs are released now: their ids are gone */
	for (size_t i = 0; i < rep->nprogs; i++)
		rep->progs[i].id = 0;
	goto out;
error:
	rep->exit = EXIT_ERROR;
out:
	if (o)
		bpf_object__close(o);
	for (size_t i = 0; bufs && i < rep->nprogs; i++)
		free(bufs[i]);
	free(bufs);
	lctx_fini(&c);
	return rep->exit;
}

/* ------------------------------------------------------------------ */
/* --btf: BPF_BTF_LOAD                                                 */
/* ------------------------------------------------------------------ */

#define BTF_LOG_SIZE (64u << 20) /* a whole vmlinux BTF logs a line per type */

/* Whole file into memory; NULL and why on failure (a BTF is checked by magic). */
static void *read_btf_file(const char *path, size_t *size, char **why)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		*why = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (len == cap) {
			char *nb;
			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				*why = xasprintf("%s: out of memory", path);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		*why = xasprintf("%s: read error", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	/* raw BTF starts with its magic 0xeb9f, in either byte order (the kernel takes its own) */
	if (len < 24 || !(((unsigned char)buf[0] == 0x9f && (unsigned char)buf[1] == 0xeb) ||
			  ((unsigned char)buf[0] == 0xeb && (unsigned char)buf[1] == 0x9f))) {
		*why = xasprintf("%s: not a raw BTF file (no BTF magic; `btftool dump FILE --format btf -o OUT` writes one)",
				 path);
		free(buf);
		return NULL;
	}
	*size = len;
	return buf;
}

/* the last non-empty line of log, or NULL */
static char *last_line(const char *log)
{
	size_t len = strlen(log);
	const char *e, *s;

	while (len && (log[len - 1] == '\n' || log[len - 1] == ' '))
		len--;
	if (!len)
		return NULL;
	e = log + len;
	for (s = e; s > log && s[-1] != '\n'; s--)
		;
	return xasprintf("%.*s", (int)(e - s), s);
}

/*
 * Hand path to BPF_BTF_LOAD, as libbpf does: first without a log (a whole
 * kernel BTF logs one line per type), and when the kernel refuses it, again
 * with a log to say why.
 */
static int do_load_btf(const char *path, struct load_report *rep)
{
	struct load_btf *b = xcalloc(1, sizeof(*b));
	struct utsname u;
	char *why = NULL, *log;
	size_t n = 0;
	void *d;
	int fd, e;

	rep->btf = b;
	rep->object = load_strdup(path);
	if (!uname(&u))
		rep->kernel = load_strdup(u.release);
	d = read_btf_file(path, &n, &why);
	if (!d) {
		b->status = LP_ERROR;
		rep->error = why;
		return rep->exit = EXIT_ERROR;
	}
	b->bytes = n;
	fd = bpf_btf_load(d, n, NULL);
	if (fd >= 0) {
		close(fd);
		free(d);
		b->status = LP_LOADED;
		return rep->exit = EXIT_OK;
	}
	e = -errno;
	b->err = e;
	log = malloc(BTF_LOG_SIZE);
	if (log) {
		LIBBPF_OPTS(bpf_btf_load_opts, lo, .log_buf = log, .log_size = BTF_LOG_SIZE, .log_level = 1);
		log[0] = 0;
		fd = bpf_btf_load(d, n, &lo);
		if (fd >= 0) {
			close(fd);
			rep->note = xasprintf("the load failed (%s), then succeeded with a verifier log", strerror(-e));
		}
		log[BTF_LOG_SIZE - 1] = 0;
		b->log_truncated = strlen(log) >= BTF_LOG_SIZE - 2;
		b->message = last_line(log);
		if (log[0]) {
			b->log = load_strdup(log);
		}
		free(log);
	}
	free(d);
	if (!b->message)
		b->message = xasprintf("%s", strerror(-e));
	/* the kernel judged the BTF, or could not take it at all */
	if (e == -EPERM || e == -EACCES || e == -ENOMEM || e == -ENOSYS || e == -EFAULT) {
		b->status = LP_ERROR;
		rep->error = xasprintf("BPF_BTF_LOAD: %s", strerror(-e));
		return rep->exit = EXIT_ERROR;
	}
	b->status = LP_REJECTED;
	return rep->exit = EXIT_NEGATIVE;
}

/* btftool load --btf FILE...: in the running kernel, or in each --kernel VM */
static int load_btf_files(char **files, size_t nfiles, const char *target, const char *pin, const char **kernels,
			  size_t nk, bool json, unsigned log_lines, struct vm_opts *vo)
{
	struct load_report *reps;
	int rc = EXIT_OK;
	struct out o;

	if (!nfiles) {
		p_err("load: --btf needs at least one FILE");
		return EXIT_ERROR;
	}
	if (target || pin) {
		p_err("load: --target and --pin apply to BPF objects, not to --btf");
		return EXIT_ERROR;
	}
	/* every file is raw BTF, before anything is loaded or booted */
	for (size_t i = 0; i < nfiles; i++) {
		char *why = NULL;
		size_t n;
		void *d = read_btf_file(files[i], &n, &why);
		if (!d) {
			p_err("load: %s", why);
			free(why);
			return EXIT_ERROR;
		}
		free(d);
	}
	if (nk) {
		vo->kernels = kernels;
		vo->nkernels = nk;
		vo->objects = (const char **)files;
		vo->nobjects = nfiles;
		vo->who = "load";
		vo->json = json;
		vo->log_lines = log_lines;
		vo->verbose = verbose;
		vo->btf = true;
		return vm_run(vo);
	}
	if (!has_bpf_caps()) {
		p_err("load: BPF_BTF_LOAD needs root or CAP_BPF; run as root, or use --kernel IMAGE to load into a VM");
		return EXIT_ERROR;
	}
	reps = xcalloc(nfiles, sizeof(*reps));
	for (size_t i = 0; i < nfiles; i++) {
		int r = do_load_btf(files[i], &reps[i]);
		if (r == EXIT_ERROR || (r == EXIT_NEGATIVE && rc == EXIT_OK))
			rc = r;
	}
	out_init(&o, STDOUT_FILENO);
	if (json && nfiles == 1) {
		load_report_json(&o, &reps[0], log_lines);
		out_char(&o, '\n');
	} else if (json) {
		out_lit(&o, "{\"reports\":[");
		for (size_t i = 0; i < nfiles; i++) {
			if (i)
				out_char(&o, ',');
			load_report_json(&o, &reps[i], log_lines);
		}
		out_printf(&o, "],\"exit\":%d}\n", rc);
	} else {
		for (size_t i = 0; i < nfiles; i++)
			load_report_text(&o, &reps[i], "", log_lines);
	}
	if (out_close(&o))
		rc = EXIT_ERROR;
	for (size_t i = 0; i < nfiles; i++) {
		if (reps[i].error)
			p_err("load: %s", reps[i].error);
		load_report_fini(&reps[i]);
	}
	free(reps);
	return rc;
}

static void load_usage(void)
{
	fprintf(stderr,
		"Usage: %s load OBJ [--target FILE] [--pin DIR] [--json] [--log-lines N] [-v]\n"
		"       %s load OBJ --kernel IMAGE [--kernel IMAGE]... [--timeout SECS] [--jobs N]\n"
		"                   [--accel auto|kvm|tcg] [--memory MIB] [--guest-btftool FILE] [--json]\n"
		"       %s load --btf FILE... [--kernel IMAGE]... [--json] [--log-lines N] [VM options]\n"
		"Relocates OBJ with btfx's CO-RE engine against FILE (default: the running kernel's BTF)\n"
		"and loads it with libbpf into the running kernel, or into each kernel IMAGE booted\n"
		"under qemu.  With --btf, each raw BTF FILE is handed to BPF_BTF_LOAD instead.\n"
		"Exit status: 0 every program (BTF) loaded, 1 one was rejected, 2 error.\n",
		prog_name, prog_name, prog_name);
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "pin", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "log-lines", required_argument, NULL, 'L' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "accel", required_argument, NULL, 'A' },
		{ "memory", required_argument, NULL, 'M' },
		{ "guest-btftool", required_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "btf", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_opts vo = { .timeout = 60, .accel = "auto", .memory = 512 };
	const char *target = NULL, *pin = NULL;
	const char **kernels = NULL;
	size_t nk = 0;
	bool json = false, log_set = false, btf = false;
	unsigned log_lines = 0;
	struct load_report rep;
	int c, rc = EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:p:jL:k:T:J:A:M:G:vbh", opts, NULL)) != -1) {
		char *end;
		unsigned long v;
		switch (c) {
		case 't': target = optarg; break;
		case 'p': pin = optarg; break;
		case 'j': json = true; break;
		case 'v': verbose = true; break;
		case 'b': btf = true; break;
		case 'G': vo.guest_btftool = optarg; break;
		case 'A':
			if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") && strcmp(optarg, "tcg")) {
				p_err("load: --accel must be auto, kvm or tcg");
				goto out;
			}
			vo.accel = optarg;
			break;
		case 'k': {
			const char **nk2 = realloc(kernels, (nk + 1) * sizeof(*kernels));
			if (!nk2)
				goto out;
			kernels = nk2;
			kernels[nk++] = optarg;
			break;
		}
		case 'L': case 'T': case 'J': case 'M':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || v > 1000000 || (c != 'L' && c != 'J' && !v)) {
				p_err("load: bad number '%s'", optarg);
				goto out;
			}
			if (c == 'L')
				log_lines = (unsigned)v, log_set = true;
			else if (c == 'T')
				vo.timeout = (unsigned)v;
			else if (c == 'J')
				vo.jobs = (unsigned)v;
			else
				vo.memory = (unsigned)v;
			break;
		case 'h': load_usage(); rc = EXIT_OK; goto out;
		default: load_usage(); goto out;
		}
	}
	if (btf) {
		rc = load_btf_files(argv + optind, (size_t)(argc - optind), target, pin, kernels, nk, json,
				    log_set ? log_lines : 0, &vo);
		goto out;
	}
	if (optind + 1 != argc) {
		p_err("load: one OBJ expected");
		load_usage();
		goto out;
	}
	if (nk) {
		if (target || pin) {
			p_err("load: --target and --pin apply to the running kernel, not to --kernel");
			goto out;
		}
		vo.kernels = kernels;
		vo.nkernels = nk;
		vo.objects = (const char **)&argv[optind];
		vo.nobjects = 1;
		vo.who = "load";
		vo.json = json;
		vo.log_lines = log_set ? log_lines : 0;
		vo.verbose = verbose;
		rc = vm_run(&vo);
		goto out;
	}
	if (!has_bpf_caps()) {
		p_err("load: loading BPF programs needs root or CAP_BPF (plus CAP_PERFMON for tracing and CAP_NET_ADMIN "
		      "for networking programs); run as root, or use --kernel IMAGE to load into a VM");
		goto out;
	}
	libbpf_set_print(print_fn);
	memset(&rep, 0, sizeof(rep));
	rc = do_load(argv[optind], target, pin, &rep);
	{
		struct out o;
		out_init(&o, STDOUT_FILENO);
		if (json) {
			load_report_json(&o, &rep, log_lines);
			out_char(&o, '\n');
		} else {
			load_report_text(&o, &rep, "", log_lines);
		}
		if (out_close(&o))
			rc = EXIT_ERROR;
	}
	if (rep.error)
		p_err("load: %s", rep.error);
	load_report_fini(&rep);
	free(lmsg);
	lmsg = NULL;
	lmsg_cap = lmsg_len = 0;
out:
	free(kernels);
	return rc;
}
