// SPDX-License-Identifier: BSD-2-Clause
/*
 * btftool load --kernel IMAGE (and core check --kernel): boot each kernel
 * image under qemu with a generated initramfs (static busybox as /init's
 * shell, a btftool able to run there, the objects), run `btftool load OBJ
 * --json` inside for each object against the guest's own
 * /sys/kernel/btf/vmlinux, and read the JSON back from the serial console
 * between markers carrying a per-run nonce.  Kernels run in
 * parallel (up to the number of CPUs); each gets a timeout; a panic, a hang,
 * a kernel without BTF or a VM that never boots is a verdict for that
 * kernel.  Everything (qemu processes, the temporary directory) is gone
 * when this returns.
 *
 * Acceleration: KVM only where it works.  --accel auto (default) boots the
 * first kernel under KVM when /dev/kvm answers, and if that guest does not
 * reach /init within a few seconds (nested KVM can hang, as on the
 * development machine), it is killed and every kernel runs under TCG.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btftool.h"
#include "image.h" /* libbtfx internal: bzImage -> vmlinux */
#include "load.h"
#include "out.h"

#define KVM_BOOT_WATCHDOG 6.0   /* seconds for a KVM guest to reach /init */
#define CONSOLE_MAX (8u << 20)  /* console bytes kept per VM */
#define GUEST_LOG_LINES 200     /* verifier log lines sent back by the guest */

static void die_nomem(void)
{
	p_err("out of memory");
	exit(EXIT_ERROR);
}

static char *vasp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *vasp(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_nomem();
	return s;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* ------------------------------------------------------------------ */
/* files                                                               */
/* ------------------------------------------------------------------ */

static int read_file(const char *path, char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t n;
		if (len == cap) {
			char *nb;
			cap = cap ? cap * 2 : 1 << 16;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int e = -EIO;
		free(buf);
		fclose(f);
		return e;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

/* ELF program interpreter of path: 1 and interp filled (dynamic), 0 static, -1 not a usable ELF */
static int elf_interp(const char *path, char *interp, size_t cap)
{
	char *d;
	size_t n;
	const Elf64_Ehdr *eh;
	int r = 0;

	if (read_file(path, &d, &n))
		return -1;
	eh = (const Elf64_Ehdr *)d;
	if (n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_phoff > n || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > n - eh->e_phoff) {
		free(d);
		return -1;
	}
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(d + eh->e_phoff) + i;
		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_offset > n || ph->p_filesz > n - ph->p_offset || !ph->p_filesz || ph->p_filesz > cap) {
			r = -1;
			break;
		}
		memcpy(interp, d + ph->p_offset, ph->p_filesz);
		interp[ph->p_filesz - 1] = 0;
		r = 1;
		break;
	}
	free(d);
	return r;
}

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *dir;

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	copy = strdup(path);
	if (!copy)
		die_nomem();
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = vasp("%s/%s", *dir ? dir : ".", name);
		if (!access(p, X_OK)) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* cpio (newc) writer                                                  */
/* ------------------------------------------------------------------ */

struct cpio {
	FILE *f;
	unsigned ino;
	int err;
};

static void cpio_pad(struct cpio *c, size_t len)
{
	static const char zero[4];
	if (len % 4 && fwrite(zero, 1, 4 - len % 4, c->f) != 4 - len % 4)
		c->err = -EIO;
}

static void cpio_entry(struct cpio *c, const char *name, unsigned mode, const void *data, size_t size,
		       unsigned rmaj, unsigned rmin)
{
	char hdr[111];
	size_t nl = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ++c->ino, mode, 0u, 0u,
		 (mode & 0170000) == 0040000 ? 2u : 1u, 0u, (unsigned)size, 0u, 0u, rmaj, rmin, (unsigned)nl, 0u);
	if (fwrite(hdr, 1, 110, c->f) != 110 || fwrite(name, 1, nl, c->f) != nl)
		c->err = -EIO;
	cpio_pad(c, 110 + nl);
	if (size && fwrite(data, 1, size, c->f) != size)
		c->err = -EIO;
	cpio_pad(c, size);
}

static void cpio_dir(struct cpio *c, const char *name) { cpio_entry(c, name, 0040755, NULL, 0, 0, 0); }

static int cpio_file(struct cpio *c, const char *name, const char *src, unsigned mode)
{
	char *d;
	size_t n;
	int e = read_file(src, &d, &n);

	if (e)
		return e;
	cpio_entry(c, name, 0100000 | mode, d, n, 0, 0);
	free(d);
	return 0;
}

/* every parent directory of path (no leading '/'), once */
static void cpio_parents(struct cpio *c, const char *path, char ***seen, size_t *nseen)
{
	char *p = strdup(path), *s;

	if (!p)
		die_nomem();
	for (s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		bool have = false;
		*s = 0;
		for (size_t i = 0; i < *nseen && !have; i++)
			have = !strcmp((*seen)[i], p);
		if (!have) {
			char **ns = realloc(*seen, (*nseen + 1) * sizeof(*ns));
			if (!ns)
				die_nomem();
			*seen = ns;
			ns[(*nseen)++] = strdup(p);
			cpio_dir(c, p);
		}
		*s = '/';
	}
	free(p);
}

/* ------------------------------------------------------------------ */
/* the guest's btftool                                                 */
/* ------------------------------------------------------------------ */

struct payload {
	char **src, **dst; /* host file -> path in the initramfs (no leading '/') */
	size_t n;
};

static void payload_add(struct payload *p, const char *src, const char *dst)
{
	char **s = realloc(p->src, (p->n + 1) * sizeof(*s)), **d;

	if (!s)
		die_nomem();
	p->src = s;
	d = realloc(p->dst, (p->n + 1) * sizeof(*d));
	if (!d)
		die_nomem();
	p->dst = d;
	p->src[p->n] = vasp("%s", src);
	p->dst[p->n] = vasp("%s", dst[0] == '/' ? dst + 1 : dst);
	p->n++;
}

static void payload_free(struct payload *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->src[i]);
		free(p->dst[i]);
	}
	free(p->src);
	free(p->dst);
}

/*
 * A dynamic btftool goes in with its shared libraries and loader: the
 * loader lists them (`ld.so --list`, as ldd does), each is copied to the
 * same path in the initramfs.
 */
static int add_dynamic(struct payload *pl, const char *exe, const char *interp)
{
	int pfd[2];
	pid_t pid;
	FILE *f;
	char line[4096];
	int st, found = 0;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int nul = open("/dev/null", O_RDWR);
		dup2(pfd[1], 1);
		if (nul >= 0)
			dup2(nul, 0), dup2(nul, 2);
		close(pfd[0]);
		execl(interp, interp, "--list", exe, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (!f) {
		close(pfd[0]);
		waitpid(pid, &st, 0);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *arrow = strstr(line, "=> "), *p = arrow ? arrow + 3 : line, *e;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '/')
			continue;
		e = strstr(p, " (");
		if (e)
			*e = 0;
		p[strcspn(p, "\n")] = 0;
		payload_add(pl, p, p);
		found++;
	}
	fclose(f);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) || !found)
		return -ENOEXEC;
	payload_add(pl, exe, "btftool");
	if (access(interp, R_OK) == 0) {
		bool have = false;
		for (size_t i = 0; i < pl->n && !have; i++)
			have = !strcmp(pl->dst[i], interp + 1);
		if (!have)
			payload_add(pl, interp, interp);
	}
	return 0;
}

static int guest_btftool(const struct vm_opts *o, struct payload *pl)
{
	char self[4096], interp[512], *cand;
	ssize_t n;
	int k;

	if (o->guest_btftool) {
		k = elf_interp(o->guest_btftool, interp, sizeof(interp));
		if (k < 0) {
			p_err("%s: --guest-btftool %s: not an x86-64 ELF executable", o->who, o->guest_btftool);
			return -1;
		}
		if (k == 0) {
			payload_add(pl, o->guest_btftool, "btftool");
			return 0;
		}
		if (add_dynamic(pl, o->guest_btftool, interp)) {
			p_err("%s: --guest-btftool %s: cannot list its shared libraries", o->who, o->guest_btftool);
			return -1;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		p_err("%s: cannot find my own executable: %s", o->who, strerror(errno));
		return -1;
	}
	self[n] = 0;
	k = elf_interp(self, interp, sizeof(interp));
	if (k == 0) {
		payload_add(pl, self, "btftool");
		return 0;
	}
	/* a static build next to me (make builds $(O)/btftool-static) */
	cand = vasp("%.*s/btftool-static", (int)(base_name(self) - self - 1), self);
	if (elf_interp(cand, interp, sizeof(interp)) == 0) {
		payload_add(pl, cand, "btftool");
		free(cand);
		return 0;
	}
	free(cand);
	if (k == 1 && !add_dynamic(pl, self, interp))
		return 0;
	p_err("%s: no btftool that can run in the VM: build a static one (make) or pass --guest-btftool FILE", o->who);
	return -1;
}

/* ------------------------------------------------------------------ */
/* initramfs                                                           */
/* ------------------------------------------------------------------ */

/* where object i goes in the initramfs: obj/I/NAME, NAME safe for the shell */
static char *guest_obj_path(size_t i, const char *object)
{
	char *p = vasp("obj/%zu/%s", i, base_name(object));

	for (char *q = strchr(p + 4, '/') + 1; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '.' ||
		      *q == '_' || *q == '-' || *q == '+'))
			*q = '_';
	return p;
}

static int write_initramfs(const char *path, const char *busybox, const struct payload *pl, const struct vm_opts *o,
			   const char *nonce, unsigned log_lines)
{
	struct cpio c = { 0 };
	char **seen = NULL;
	size_t nseen = 0;
	char *init, *loads = vasp("%s", "");
	int e = 0;

	c.f = fopen(path, "wb");
	if (!c.f) {
		free(loads);
		return -errno;
	}
	/* one result section per object, in order */
	for (size_t i = 0; i < o->nobjects; i++) {
		char *gp = guest_obj_path(i, o->objects[i]), *nl;
		nl = vasp("%s"
			  "  /btftool load%s /%s --json --log-lines %u >/tmp/out.json 2>/tmp/err.txt\n"
			  "  echo \"@@BTFX-RESULT-%s@@ $?\"\n"
			  "  cat /tmp/out.json\n"
			  "  echo \"@@BTFX-STDERR-%s@@\"\n"
			  "  cat /tmp/err.txt\n",
			  loads, o->btf ? " --btf" : "", gp, log_lines, nonce, nonce);
		free(loads);
		free(gp);
		loads = nl;
	}
	init = vasp("#!/bin/busybox sh\n"
		    "/bin/busybox --install -s /bin\n"
		    "export PATH=/bin\n"
		    "mount -t devtmpfs dev /dev 2>/dev/null\n"
		    "mount -t proc proc /proc\n"
		    "mount -t sysfs sys /sys\n"
		    "mount -t bpf bpf /sys/fs/bpf 2>/dev/null\n"
		    "echo 1 >/proc/sys/kernel/printk\n"
		    "echo \"@@BTFX-BOOT-%s@@ $(uname -r)\"\n"
		    "if %s; then\n"
		    "%s"
		    "else\n"
		    "  echo \"@@BTFX-NOBTF-%s@@\"\n"
		    "fi\n"
		    "echo \"@@BTFX-END-%s@@\"\n"
		    "poweroff -f\n",
		    nonce, o->btf ? "true" : "[ -e /sys/kernel/btf/vmlinux ]", loads, nonce, nonce);
	free(loads);
	cpio_dir(&c, "bin");
	cpio_dir(&c, "dev");
	cpio_entry(&c, "dev/console", 0020600, NULL, 0, 5, 1);
	cpio_entry(&c, "dev/null", 0020666, NULL, 0, 1, 3);
	cpio_dir(&c, "proc");
	cpio_dir(&c, "sys");
	cpio_dir(&c, "tmp");
	cpio_dir(&c, "obj");
	cpio_entry(&c, "init", 0100755, init, strlen(init), 0, 0);
	free(init);
	if (!e)
		e = cpio_file(&c, "bin/busybox", busybox, 0755);
	for (size_t i = 0; i < pl->n && !e; i++) {
		cpio_parents(&c, pl->dst[i], &seen, &nseen);
		e = cpio_file(&c, pl->dst[i], pl->src[i], 0755);
	}
	cpio_entry(&c, "TRAILER!!!", 0, NULL, 0, 0, 0);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	if (fclose(c.f) && !e)
		e = -errno;
	return e ? e : c.err;
}

/* ------------------------------------------------------------------ */
/* JSON reader (the guest's report)                                    */
/* ------------------------------------------------------------------ */

enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jv {
	enum jt t;
	bool b;
	double num;
	char *str;
	struct jv *items;
	char **keys;
	size_t n;
};

struct jp {
	const char *s, *e;
	int depth;
	bool bad;
};

static void jv_free(struct jv *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		jv_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
}

static void jws(struct jp *p)
{
	while (p->s < p->e && (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' || *p->s == '\t'))
		p->s++;
}

static void put_utf8(char **o, unsigned cp)
{
	char *q = *o;
	if (cp < 0x80) {
		*q++ = (char)cp;
	} else if (cp < 0x800) {
		*q++ = (char)(0xc0 | cp >> 6);
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (char)(0xe0 | cp >> 12);
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (char)(0xf0 | cp >> 18);
		*q++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	}
	*o = q;
}

static char *jstr(struct jp *p)
{
	const char *s = ++p->s;
	char *out, *q;

	while (p->s < p->e && *p->s != '"') {
		if (*p->s == '\\')
			p->s++;
		p->s++;
	}
	if (p->s >= p->e) {
		p->bad = true;
		return NULL;
	}
	out = malloc((size_t)(p->s - s) * 2 + 1);
	if (!out)
		die_nomem();
	for (q = out; s < p->s; s++) {
		if (*s != '\\') {
			*q++ = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': *q++ = '\n'; break;
		case 't': *q++ = '\t'; break;
		case 'r': *q++ = '\r'; break;
		case 'b': *q++ = '\b'; break;
		case 'f': *q++ = '\f'; break;
		case 'u': {
			unsigned cp = 0;
			for (int i = 0; i < 4; i++) {
				char ch = s + 1 + i < p->s ? s[1 + i] : 0;
				cp = cp * 16 + (unsigned)(ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
							  : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : (p->bad = true, 0));
			}
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && s + 6 < p->s && s[1] == '\\' && s[2] == 'u') {
				unsigned lo = (unsigned)strtoul((char[]){ s[3], s[4], s[5], s[6], 0 }, NULL, 16);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				}
			}
			put_utf8(&q, cp);
			break;
		}
		default: *q++ = *s; break;
		}
	}
	*q = 0;
	p->s++;
	return out;
}

static void jparse(struct jp *p, struct jv *v)
{
	memset(v, 0, sizeof(*v));
	jws(p);
	if (p->bad || p->s >= p->e || ++p->depth > 64) {
		p->bad = true;
		return;
	}
	if (*p->s == '{' || *p->s == '[') {
		bool obj = *p->s == '{';
		char close = obj ? '}' : ']';
		v->t = obj ? J_OBJ : J_ARR;
		p->s++;
		jws(p);
		if (p->s < p->e && *p->s == close) {
			p->s++;
			p->depth--;
			return;
		}
		for (;;) {
			struct jv *ni = realloc(v->items, (v->n + 1) * sizeof(*ni));
			char *key = NULL;
			if (!ni)
				die_nomem();
			v->items = ni;
			if (obj) {
				char **nk = realloc(v->keys, (v->n + 1) * sizeof(*nk));
				if (!nk)
					die_nomem();
				v->keys = nk;
				jws(p);
				if (p->s >= p->e || *p->s != '"') {
					p->bad = true;
					return;
				}
				key = jstr(p);
				jws(p);
				if (p->bad || p->s >= p->e || *p->s != ':') {
					free(key);
					p->bad = true;
					return;
				}
				p->s++;
				v->keys[v->n] = key;
			}
			jparse(p, &v->items[v->n]);
			v->n++;
			if (p->bad)
				return;
			jws(p);
			if (p->s < p->e && *p->s == ',') {
				p->s++;
				continue;
			}
			if (p->s < p->e && *p->s == close) {
				p->s++;
				break;
			}
			p->bad = true;
			return;
		}
	} else if (*p->s == '"') {
		v->t = J_STR;
		v->str = jstr(p);
	} else if (!strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
		v->t = J_BOOL;
		v->b = *p->s == 't';
		p->s += v->b ? 4 : 5;
	} else if (!strncmp(p->s, "null", 4)) {
		v->t = J_NULL;
		p->s += 4;
	} else {
		char *end;
		v->t = J_NUM;
		v->num = strtod(p->s, &end);
		if (end == p->s)
			p->bad = true;
		p->s = end;
	}
	p->depth--;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return &o->items[i];
	return NULL;
}

static char *jgs(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);
	return v && v->t == J_STR ? load_strdup(v->str) : NULL;
}

static double jgn(const struct jv *o, const char *key, double def)
{
	const struct jv *v = jget(o, key);
	return v && v->t == J_NUM ? v->num : def;
}

static void jgstrv(const struct jv *o, const char *key, char ***v, size_t *n)
{
	const struct jv *a = jget(o, key);

	*v = NULL;
	*n = 0;
	if (!a || a->t != J_ARR)
		return;
	*v = calloc(a->n ? a->n : 1, sizeof(char *));
	if (!*v)
		die_nomem();
	for (size_t i = 0; i < a->n; i++)
		if (a->items[i].t == J_STR)
			(*v)[(*n)++] = load_strdup(a->items[i].str);
}

static void relo_from_json(const struct jv *j, struct load_relo *x)
{
	memset(x, 0, sizeof(*x));
	x->index = (long)jgn(j, "index", -1);
	x->section = jgs(j, "section");
	x->program = jgs(j, "program");
	x->insn = (unsigned)jgn(j, "insn", 0);
	x->kind = jgs(j, "kind");
	x->spec = jgs(j, "spec");
	x->file = jgs(j, "file");
	x->source = jgs(j, "source");
	x->line = (unsigned)jgn(j, "line", 0);
	x->col = (unsigned)jgn(j, "col", 0);
	x->target = jgs(j, "target");
	x->reason = jgs(j, "reason");
	jgstrv(j, "candidates", &x->explain, &x->nexplain);
	jgstrv(j, "near_misses", &x->hints, &x->nhints);
}

static enum load_status status_from_str(const char *s)
{
	if (!s)
		return LP_ERROR;
	if (!strcmp(s, "loaded"))
		return LP_LOADED;
	if (!strcmp(s, "rejected"))
		return LP_REJECTED;
	if (!strcmp(s, "skipped"))
		return LP_SKIPPED;
	return LP_ERROR;
}

/* the guest's JSON into a report; false when it is not one */
static bool report_from_json(const char *text, size_t len, struct load_report *r)
{
	struct jp p = { text, text + len, 0, false };
	struct jv root;
	const struct jv *a;
	bool ok;

	jparse(&p, &root);
	jws(&p);
	ok = !p.bad && p.s == p.e && root.t == J_OBJ && (jget(&root, "programs") || jget(&root, "btf")) &&
	     jget(&root, "exit");
	if (!ok) {
		jv_free(&root);
		return false;
	}
	memset(r, 0, sizeof(*r));
	r->object = jgs(&root, "object");
	r->target = jgs(&root, "target");
	r->kernel = jgs(&root, "kernel");
	r->nrelo = (size_t)jgn(&root, "relocations", 0);
	r->npoisoned = (size_t)jgn(&root, "poisoned", 0);
	r->error = jgs(&root, "error");
	r->note = jgs(&root, "note");
	r->exit = (int)jgn(&root, "exit", EXIT_ERROR);
	a = jget(&root, "btf");
	if (a && a->t == J_OBJ) { /* btftool load --btf */
		const struct jv *tr = jget(a, "log_truncated");
		char *st = jgs(a, "status");
		r->btf = calloc(1, sizeof(*r->btf));
		if (!r->btf)
			die_nomem();
		r->btf->bytes = (size_t)jgn(a, "bytes", 0);
		r->btf->status = status_from_str(st);
		free(st);
		r->btf->err = (int)jgn(a, "errno", 0);
		r->btf->message = jgs(a, "message");
		r->btf->log = jgs(a, "log");
		r->btf->log_truncated = tr && tr->t == J_BOOL && tr->b;
	}
	a = jget(&root, "programs");
	if (a && a->t == J_ARR) {
		r->progs = calloc(a->n ? a->n : 1, sizeof(*r->progs));
		if (!r->progs)
			die_nomem();
		for (size_t i = 0; i < a->n; i++) {
			const struct jv *j = &a->items[i];
			struct load_prog *lp = &r->progs[r->nprogs++];
			const struct jv *rl = jget(j, "relocation");
			char *st = jgs(j, "status");
			const struct jv *tr = jget(j, "log_truncated");
			lp->name = jgs(j, "name");
			lp->section = jgs(j, "section");
			lp->type = jgs(j, "type");
			lp->status = status_from_str(st);
			free(st);
			lp->insns = (unsigned)jgn(j, "insns", 0);
			lp->xlated = (unsigned)jgn(j, "xlated_bytes", 0);
			lp->jited = (unsigned)jgn(j, "jited_bytes", 0);
			lp->verified = (unsigned)jgn(j, "verified_insns", 0);
			lp->err = (int)jgn(j, "errno", 0);
			lp->message = jgs(j, "message");
			lp->log = jgs(j, "log");
			lp->log_truncated = tr && tr->t == J_BOOL && tr->b;
			lp->poison_insn = (long)jgn(j, "poisoned_insn", -1);
			if (rl && rl->t == J_OBJ) {
				lp->relo = calloc(1, sizeof(*lp->relo));
				if (!lp->relo)
					die_nomem();
				relo_from_json(rl, lp->relo);
			}
		}
	}
	a = jget(&root, "maps");
	if (a && a->t == J_ARR) {
		r->maps = calloc(a->n ? a->n : 1, sizeof(*r->maps));
		if (!r->maps)
			die_nomem();
		for (size_t i = 0; i < a->n; i++) {
			r->maps[r->nmaps].name = jgs(&a->items[i], "name");
			r->maps[r->nmaps++].type = jgs(&a->items[i], "type");
		}
	}
	a = jget(&root, "relocation_errors");
	if (a && a->t == J_ARR && a->n) {
		r->relo_errors = calloc(a->n, sizeof(*r->relo_errors));
		if (!r->relo_errors)
			die_nomem();
		for (size_t i = 0; i < a->n; i++)
			relo_from_json(&a->items[i], &r->relo_errors[r->nrelo_errors++]);
	}
	jv_free(&root);
	return true;
}

/* ------------------------------------------------------------------ */
/* running VMs                                                         */
/* ------------------------------------------------------------------ */

const char *vm_verdict_str(enum vm_verdict v)
{
	static const char *s[] = { "pending", "ok", "rejected", "error", "no-btf", "panic", "timeout",
				   "no-boot", "crashed", "bad-output" };
	return s[v];
}

struct vm {
	const char *image;
	char *vmlinux;       /* where the qemu child puts the decompressed kernel */
	pid_t pid;           /* qemu, leader of its own process group; 0 when not running */
	int fd_out, fd_err;  /* serial console, qemu's stderr */
	char *con, *err;
	size_t con_len, con_cap, err_len, err_cap;
	double t0, t1, deadline, end_seen;
	bool kvm, booted, ended, timed_out, kvm_abandoned, done;
	int wstatus;
	enum vm_verdict verdict;
	char *message;
	char *release;
	char *stderr_text;
	struct load_report *reps; /* one per object */
	bool *have_rep;
};

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

static void buf_add(char **b, size_t *len, size_t *cap, const char *d, size_t n)
{
	if (*len + n + 1 > CONSOLE_MAX)
		return;
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 65536;
		char *nb;
		while (c < *len + n + 1)
			c *= 2;
		nb = realloc(*b, c);
		if (!nb)
			die_nomem();
		*b = nb;
		*cap = c;
	}
	memcpy(*b + *len, d, n);
	*len += n;
	(*b)[*len] = 0;
}

static bool kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int v;

	if (fd < 0)
		return false;
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	return v == KVM_API_VERSION;
}

/* Does this vmlinux ELF carry XEN_ELFNOTE_PHYS32_ENTRY (CONFIG_PVH)?  qemu boots such an ELF directly. */
static bool has_pvh_note(const unsigned char *d, size_t n)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)d;

	if (n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff > n || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > n - eh->e_phoff)
		return false;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(d + eh->e_phoff) + i;
		uint64_t off, end;
		if (ph->p_type != PT_NOTE || ph->p_offset > n || ph->p_filesz > n - ph->p_offset)
			continue;
		for (off = ph->p_offset, end = ph->p_offset + ph->p_filesz; off + sizeof(Elf64_Nhdr) <= end;) {
			const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(d + off);
			uint64_t name = off + sizeof(*nh), desc = name + ((nh->n_namesz + 3ull) & ~3ull);
			if (desc > end)
				break;
			if (nh->n_namesz == 4 && !memcmp(d + name, "Xen", 4) && nh->n_type == 18 /* PHYS32_ENTRY */)
				return true;
			off = desc + ((nh->n_descsz + 3ull) & ~3ull);
		}
	}
	return false;
}

/*
 * In the qemu child: what to boot.  A bzImage is decompressed here (natively:
 * an XZ kernel takes seconds to decompress itself under TCG) into out and
 * booted as an ELF through PVH when the kernel supports it; otherwise the
 * image itself is booted.
 */
static const char *boot_file(const char *image, const char *out)
{
	char *d;
	size_t n, esz, off = 0;
	void *elf = NULL;
	struct btfx_error err;
	int fd;

	if (read_file(image, &d, &n))
		return image;
	if (!btfx_is_bzimage(d, n) || btfx_image_extract_vmlinux(image, d, n, &elf, &esz, &err)) {
		free(d);
		return image;
	}
	free(d);
	if (!has_pvh_note(elf, esz)) {
		free(elf);
		return image;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	while (fd >= 0 && off < esz) {
		ssize_t w = write(fd, (char *)elf + off, esz - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			fd = -1;
			unlink(out);
			break;
		}
		off += (size_t)w;
	}
	free(elf);
	if (fd < 0 || close(fd)) {
		unlink(out);
		return image;
	}
	return out;
}

static int vm_start(struct vm *v, const char *qemu, const char *initrd, unsigned mem, bool kvm)
{
	int po[2], pe[2];
	char mbuf[16];
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		return -errno;
	snprintf(mbuf, sizeof(mbuf), "%u", mem);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		const char *argv[] = { qemu, "-kernel", NULL, "-initrd", initrd, "-append",
				       "console=ttyS0 panic=-1 quiet pci=off cryptomgr.notests", "-nographic", "-no-reboot", "-m", mbuf, "-nic",
				       "none", "-smp", "1", "-accel", kvm ? "kvm" : "tcg", kvm ? "-cpu" : NULL, "host",
				       NULL };
		int nul;
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		argv[2] = boot_file(v->image, v->vmlinux);
		nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(qemu, (char **)argv);
		fprintf(stderr, "exec %s: %s\n", qemu, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	v->pid = pid;
	v->fd_out = po[0];
	v->fd_err = pe[0];
	v->kvm = kvm;
	v->t0 = now();
	v->booted = v->ended = v->timed_out = false;
	v->con_len = v->err_len = 0;
	if (v->con)
		v->con[0] = 0;
	if (v->err)
		v->err[0] = 0;
	return 0;
}

static void vm_kill(struct vm *v)
{
	if (v->pid > 0) {
		kill(-v->pid, SIGKILL);
		kill(v->pid, SIGKILL);
	}
}

/* drain and close the pipes, reap qemu */
static void vm_reap(struct vm *v)
{
	char buf[65536];
	ssize_t n;

	if (v->fd_out >= 0) {
		while ((n = read(v->fd_out, buf, sizeof(buf))) > 0)
			buf_add(&v->con, &v->con_len, &v->con_cap, buf, (size_t)n);
		close(v->fd_out);
		v->fd_out = -1;
	}
	if (v->fd_err >= 0) {
		while ((n = read(v->fd_err, buf, sizeof(buf))) > 0)
			buf_add(&v->err, &v->err_len, &v->err_cap, buf, (size_t)n);
		close(v->fd_err);
		v->fd_err = -1;
	}
	if (v->pid > 0) {
		while (waitpid(v->pid, &v->wstatus, 0) < 0 && errno == EINTR)
			;
		kill(-v->pid, SIGKILL); /* anything left in its group */
		v->pid = 0;
	}
	if (v->vmlinux)
		unlink(v->vmlinux);
	v->t1 = now();
}

/* text between start marker line and the next marker, '\r' removed */
static char *section_after(const char *con, const char *start, const char *stop)
{
	const char *s = strstr(con, start), *e;
	char *out, *q;

	if (!s)
		return NULL;
	s = strchr(s, '\n');
	if (!s)
		return NULL;
	s++;
	e = stop ? strstr(s, stop) : NULL;
	if (!e)
		e = s + strlen(s);
	out = malloc((size_t)(e - s) + 1);
	if (!out)
		die_nomem();
	for (q = out; s < e; s++)
		if (*s != '\r')
			*q++ = *s;
	while (q > out && (q[-1] == '\n' || q[-1] == ' '))
		q--;
	*q = 0;
	return out;
}

/* last n lines of the console, escape sequences and '\r' dropped */
char *vm_console_tail(const char *con, unsigned n)
{
	size_t len = con ? strlen(con) : 0;
	const char *p = con + len;
	char *out, *q;
	unsigned k = 0;

	if (!con)
		return load_strdup("");
	while (p > con && (p[-1] == '\n' || p[-1] == '\r'))
		p--;
	while (p > con && k < n) {
		p--;
		if (*p == '\n')
			k++;
	}
	if (*p == '\n')
		p++;
	out = malloc(strlen(p) + 1);
	if (!out)
		die_nomem();
	for (q = out; *p; p++) {
		if (*p == 0x1b) { /* ESC [ ... letter, or ESC and one character */
			if (p[1] == '[') {
				p += 2;
				while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
					p++;
				if (!*p)
					break;
			} else if (p[1]) {
				p++;
			}
			continue;
		}
		if (*p == '\r' || (*p < 0x20 && *p != '\n' && *p != '\t'))
			continue;
		*q++ = *p;
	}
	while (q > out && q[-1] == '\n')
		q--;
	*q = 0;
	return out;
}

/*
 * The console into a verdict.  Each object has its section, in order:
 * RESULT <status>, the JSON report, STDERR, btftool's stderr; then END.
 */
static void vm_conclude(struct vm *v, const char *nonce, const struct vm_opts *o)
{
	char *m_boot = vasp("@@BTFX-BOOT-%s@@", nonce), *m_res = vasp("@@BTFX-RESULT-%s@@", nonce);
	char *m_err = vasp("@@BTFX-STDERR-%s@@", nonce), *m_end = vasp("@@BTFX-END-%s@@", nonce);
	char *m_nobtf = vasp("@@BTFX-NOBTF-%s@@", nonce);
	const char *con = v->con ? v->con : "", *b, *pos = con;
	size_t nobj = o->nobjects, nrep = 0, bad = nobj, failed = nobj;
	int worst = EXIT_OK, bad_rc = 0;
	char *bad_stderr = NULL;

	v->reps = calloc(nobj ? nobj : 1, sizeof(*v->reps));
	v->have_rep = calloc(nobj ? nobj : 1, sizeof(*v->have_rep));
	if (!v->reps || !v->have_rep)
		die_nomem();
	b = strstr(con, m_boot);
	if (b) {
		const char *e = b + strlen(m_boot);
		size_t n;
		while (*e == ' ')
			e++;
		n = strcspn(e, "\r\n");
		free(v->release);
		v->release = vasp("%.*s", (int)n, e);
	}
	for (size_t i = 0; i < nobj; i++) {
		const char *r = strstr(pos, m_res), *e;
		char *json, *err;
		int guest_rc;
		if (!r)
			break;
		e = strstr(r, m_err);
		if (!e)
			break;
		guest_rc = atoi(r + strlen(m_res));
		json = section_after(r, m_res, m_err);
		err = section_after(e, m_err, i + 1 < nobj ? m_res : m_end);
		pos = e + strlen(m_err);
		if (json && report_from_json(json, strlen(json), &v->reps[i])) {
			v->have_rep[i] = true;
			nrep++;
			free(v->reps[i].object);
			v->reps[i].object = load_strdup(o->objects[i]);
			if (v->reps[i].exit == EXIT_NEGATIVE && worst == EXIT_OK)
				worst = EXIT_NEGATIVE;
			if (v->reps[i].exit != EXIT_OK && v->reps[i].exit != EXIT_NEGATIVE && worst != EXIT_ERROR) {
				worst = EXIT_ERROR;
				failed = i;
				free(v->stderr_text);
				v->stderr_text = err;
				err = NULL;
			}
		} else if (bad == nobj) {
			bad = i;
			bad_rc = guest_rc;
			bad_stderr = err;
			err = NULL;
		}
		free(json);
		free(err);
	}
	if (nrep == nobj && strstr(con, m_end)) {
		v->verdict = worst == EXIT_OK ? VM_OK : worst == EXIT_NEGATIVE ? VM_REJECTED : VM_ERROR;
		if (v->verdict == VM_ERROR) {
			const struct load_report *r = &v->reps[failed];
			const char *why = r->error ? r->error : v->stderr_text && *v->stderr_text
					? v->stderr_text : "btftool load failed in the VM";
			v->message = nobj > 1 ? vasp("%s: %s", o->objects[failed], why) : load_strdup(why);
		}
	} else if (strstr(con, m_nobtf)) {
		v->verdict = VM_NOBTF;
		v->message = vasp("kernel %s has no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF off?)",
				  v->release ? v->release : "?");
	} else if (strstr(con, m_end)) {
		for (size_t i = 0; bad == nobj && i < nobj; i++)
			if (!v->have_rep[i])
				bad = i, bad_rc = -1;
		v->verdict = VM_BADOUT;
		v->message = vasp("btftool load%s%s in the VM exited %d without a readable report%s%s",
				  nobj > 1 ? " " : "", nobj > 1 ? o->objects[bad] : "", bad_rc,
				  bad_stderr && *bad_stderr ? ": " : "", bad_stderr ? bad_stderr : "");
	} else if (strstr(con, "Kernel panic - not syncing")) {
		const char *p = strstr(con, "Kernel panic - not syncing");
		size_t n = strcspn(p, "\r\n");
		v->verdict = VM_PANIC;
		v->message = vasp("%.*s", (int)n, p);
	} else if (v->timed_out) {
		v->verdict = VM_TIMEOUT;
		v->message = vasp("no result within %.0f s (%s)", v->deadline - v->t0,
				  b ? "booted, btftool did not finish" : "the kernel did not reach /init");
	} else if (!b) {
		char *t = vm_console_tail(v->err, 1);
		v->verdict = VM_NOBOOT;
		v->message = vasp("the VM stopped before /init ran (qemu %s %d)%s%s",
				  WIFEXITED(v->wstatus) ? "exit" : "signal",
				  WIFEXITED(v->wstatus) ? WEXITSTATUS(v->wstatus) : WTERMSIG(v->wstatus), *t ? ": " : "", t);
		free(t);
	} else {
		v->verdict = VM_CRASH;
		v->message = load_strdup("the VM stopped before btftool reported");
	}
	free(bad_stderr);
	free(m_boot);
	free(m_res);
	free(m_err);
	free(m_end);
	free(m_nobtf);
}

/* the KVM trial guest failed: every guest runs under TCG, this one again */
static void abandon_kvm(struct vm *v, bool *kvm, bool *decided, char **note, const char *why, bool verbose)
{
	*kvm = false;
	*decided = true;
	free(*note);
	*note = vasp("KVM does not run guests here (%s); using TCG", why && *why ? why : "qemu failed");
	if (verbose)
		fprintf(stderr, "btftool: %s\n", *note);
	free(v->con);
	free(v->err);
	v->con = v->err = NULL;
	v->con_len = v->con_cap = v->err_len = v->err_cap = 0;
}

static char *make_nonce(void)
{
	unsigned char r[8];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	char *s;

	if (fd < 0 || read(fd, r, sizeof(r)) != (ssize_t)sizeof(r)) {
		uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ (uint64_t)(now() * 1e9);
		memcpy(r, &x, sizeof(r));
	}
	if (fd >= 0)
		close(fd);
	s = vasp("%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
	return s;
}

/* the temporary directory holds plain files only */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = vasp("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void render(const struct vm_opts *o, const struct vm_results *res, int rc)
{
	struct out out;

	out_init(&out, STDOUT_FILENO);
	if (o->json) {
		out_lit(&out, "{\"object\":");
		out_json_str(&out, o->objects[0]);
		if (o->nobjects > 1) {
			out_lit(&out, ",\"objects\":[");
			for (size_t j = 0; j < o->nobjects; j++) {
				if (j)
					out_char(&out, ',');
				out_json_str(&out, o->objects[j]);
			}
			out_char(&out, ']');
		}
		out_lit(&out, ",\"kernels\":[");
		for (size_t i = 0; i < res->n; i++) {
			const struct vm_kernel *v = &res->k[i];
			if (i)
				out_char(&out, ',');
			out_lit(&out, "{\"image\":");
			out_json_str(&out, v->image);
			out_lit(&out, ",\"release\":");
			if (v->release)
				out_json_str(&out, v->release);
			else
				out_lit(&out, "null");
			out_printf(&out, ",\"verdict\":\"%s\",\"accel\":\"%s\",\"seconds\":%.1f", vm_verdict_str(v->verdict),
				   v->kvm ? "kvm" : "tcg", v->seconds);
			if (v->message) {
				out_lit(&out, ",\"message\":");
				out_json_str(&out, v->message);
			}
			if (o->nobjects == 1 && v->have_rep[0]) {
				out_lit(&out, ",\"report\":");
				load_report_json(&out, &v->reps[0], o->log_lines);
			} else if (o->nobjects > 1) {
				/* several objects (load --btf FILE...): one report each, null when missing */
				out_lit(&out, ",\"reports\":[");
				for (size_t j = 0; j < o->nobjects; j++) {
					if (j)
						out_char(&out, ',');
					if (v->have_rep[j])
						load_report_json(&out, &v->reps[j], o->log_lines);
					else
						out_lit(&out, "null");
				}
				out_char(&out, ']');
			}
			if (v->verdict != VM_OK && v->verdict != VM_REJECTED) {
				char *t = vm_console_tail(v->console, 30);
				out_lit(&out, ",\"console\":");
				out_json_str(&out, t);
				free(t);
			}
			out_char(&out, '}');
		}
		out_lit(&out, "]");
		if (res->note) {
			out_lit(&out, ",\"note\":");
			out_json_str(&out, res->note);
		}
		out_printf(&out, ",\"exit\":%d}\n", rc);
	} else {
		if (res->note)
			out_printf(&out, "note: %s\n", res->note);
		for (size_t i = 0; i < res->n; i++) {
			const struct vm_kernel *v = &res->k[i];
			out_printf(&out, "== %s (%s, %s, %.1f s): %s\n", base_name(v->image), v->release ? v->release : "?",
				   v->kvm ? "kvm" : "tcg", v->seconds, vm_verdict_str(v->verdict));
			bool any = false;
			for (size_t j = 0; j < o->nobjects; j++)
				any = any || v->have_rep[j];
			if (any) {
				for (size_t j = 0; j < o->nobjects; j++) {
					if (v->have_rep[j])
						load_report_text(&out, &v->reps[j], "  ", o->log_lines);
					else
						out_printf(&out, "  %s: no report\n", o->objects[j]);
				}
			} else if (v->message)
				out_printf(&out, "  %s\n", v->message);
			if (v->verdict == VM_PANIC || v->verdict == VM_TIMEOUT || v->verdict == VM_NOBOOT ||
			    v->verdict == VM_CRASH) {
				char *t = vm_console_tail(v->console, 15);
				const char *s = t, *e;
				out_str(&out, "  console (last lines):\n");
				while (*s) {
					e = s + strcspn(s, "\n");
					out_printf(&out, "    %.*s\n", (int)(e - s), s);
					s = *e ? e + 1 : e;
				}
				free(t);
			}
		}
	}
	out_close(&out);
}

void vm_results_fini(struct vm_results *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct vm_kernel *k = &res->k[i];
		free(k->release);
		free(k->message);
		free(k->console);
		for (size_t j = 0; k->reps && j < res->nobjects; j++)
			if (k->have_rep[j])
				load_report_fini(&k->reps[j]);
		free(k->reps);
		free(k->have_rep);
	}
	free(res->k);
	free(res->note);
	memset(res, 0, sizeof(*res));
}

int vm_run(const struct vm_opts *o)
{
	struct vm_results res;
	int rc = vm_boot(o, &res);

	if (res.n)
		render(o, &res, rc);
	vm_results_fini(&res);
	return rc;
}

int vm_boot(const struct vm_opts *o, struct vm_results *res)
{
	char *qemu = NULL, *busybox = NULL, *nonce = NULL, *initrd = NULL, *accel_note = NULL;
	char tmpl[4096], interp[512];
	const char *tmpdir = getenv("TMPDIR");
	struct payload pl = { 0 };
	struct vm *vms = NULL;
	struct sigaction sa, old_int, old_term, old_hup;
	size_t n = o->nkernels, next = 0, running = 0;
	unsigned jobs = o->jobs;
	bool dir_made = false, kvm = false, kvm_decided = true;
	int rc = EXIT_ERROR, e;
	struct stat st;

	memset(res, 0, sizeof(*res));
	/* everything needed, before anything is started */
	for (size_t i = 0; i < o->nobjects; i++) {
		if (stat(o->objects[i], &st)) {
			p_err("%s: %s: %s", o->who, o->objects[i], strerror(errno));
			return EXIT_ERROR;
		}
		if (!S_ISREG(st.st_mode)) {
			p_err("%s: %s: not a regular file", o->who, o->objects[i]);
			return EXIT_ERROR;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (access(o->kernels[i], R_OK)) {
			p_err("%s: --kernel %s: %s", o->who, o->kernels[i], strerror(errno));
			return EXIT_ERROR;
		}
	qemu = find_in_path("qemu-system-x86_64");
	if (!qemu) {
		p_err("%s: qemu-system-x86_64 not found (Debian: apt-get install qemu-system-x86)", o->who);
		return EXIT_ERROR;
	}
	busybox = find_in_path("busybox");
	if (!busybox || elf_interp(busybox, interp, sizeof(interp)) != 0) {
		p_err("%s: a statically linked busybox is needed in PATH (Debian: apt-get install busybox-static)", o->who);
		goto out;
	}
	if (guest_btftool(o, &pl))
		goto out;
	for (size_t i = 0; i < o->nobjects; i++) {
		char *d = guest_obj_path(i, o->objects[i]);
		payload_add(&pl, o->objects[i], d);
		free(d);
	}

	snprintf(tmpl, sizeof(tmpl), "%s/btftool-vm.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmpl)) {
		p_err("%s: cannot create a temporary directory: %s", o->who, strerror(errno));
		goto out;
	}
	dir_made = true;
	initrd = vasp("%s/initramfs.cpio", tmpl);
	nonce = make_nonce();
	e = write_initramfs(initrd, busybox, &pl, o, nonce,
			    o->log_lines ? o->log_lines : GUEST_LOG_LINES);
	if (e) {
		p_err("%s: cannot write %s: %s", o->who, initrd, strerror(-e));
		goto out;
	}

	if (!jobs) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = c > 0 ? (unsigned)c : 1;
	}
	if (!strcmp(o->accel, "kvm")) {
		if (!kvm_usable()) {
			p_err("%s: --accel kvm: /dev/kvm is not usable", o->who);
			goto out;
		}
		kvm = true;
	} else if (!strcmp(o->accel, "auto") && kvm_usable()) {
		kvm = true;
		kvm_decided = false; /* the first guest tells */
	}

	vms = calloc(n, sizeof(*vms));
	if (!vms)
		die_nomem();
	for (size_t i = 0; i < n; i++) {
		vms[i].image = o->kernels[i];
		vms[i].vmlinux = vasp("%s/vmlinux-%zu", tmpl, i);
		vms[i].fd_out = vms[i].fd_err = -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	while ((next < n || running) && !got_signal) {
		struct pollfd pfd[2 * 64];
		struct vm *pv[2 * 64];
		int np = 0;
		double t = now(), wait = 1.0;

		/* start what may start: one guest while KVM is on trial */
		while (next < n && running < jobs && running < 64 && (kvm_decided || running == 0)) {
			struct vm *v = &vms[next];
			e = vm_start(v, qemu, initrd, o->memory, kvm);
			if (e) {
				p_err("%s: cannot start qemu: %s", o->who, strerror(-e));
				v->verdict = VM_NOBOOT;
				v->message = load_strdup("qemu could not be started");
				v->done = true;
				next++;
				continue;
			}
			v->deadline = v->t0 + o->timeout;
			if (o->verbose)
				fprintf(stderr, "btftool: booting %s (%s)\n", v->image, kvm ? "kvm" : "tcg");
			next++;
			running++;
			if (!kvm_decided)
				break;
		}
		for (size_t i = 0; i < n; i++) {
			struct vm *v = &vms[i];
			if (v->pid <= 0)
				continue;
			pfd[np] = (struct pollfd){ .fd = v->fd_out, .events = POLLIN };
			pv[np++] = v;
			if (v->fd_err >= 0) {
				pfd[np] = (struct pollfd){ .fd = v->fd_err, .events = POLLIN };
				pv[np++] = v;
			}
			if (v->deadline - t < wait)
				wait = v->deadline - t;
			if (!v->booted && v->kvm && !kvm_decided && v->t0 + KVM_BOOT_WATCHDOG - t < wait)
				wait = v->t0 + KVM_BOOT_WATCHDOG - t;
		}
		if (wait < 0)
			wait = 0;
		if (np && poll(pfd, (nfds_t)np, (int)(wait * 1000) + 1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < np; i++) {
			struct vm *v = pv[i];
			char buf[65536];
			ssize_t r;
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) || v->pid <= 0)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r > 0) {
				if (pfd[i].fd == v->fd_out)
					buf_add(&v->con, &v->con_len, &v->con_cap, buf, (size_t)r);
				else
					buf_add(&v->err, &v->err_len, &v->err_cap, buf, (size_t)r);
				continue;
			}
			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
				/* console closed: qemu has exited (or is about to) */
				if (pfd[i].fd == v->fd_out) {
					vm_reap(v);
					running--;
					if (v->kvm && !kvm_decided && !v->booted && !strstr(v->con ? v->con : "", "Kernel panic")) {
						char *why = vm_console_tail(v->err, 1);
						abandon_kvm(v, &kvm, &kvm_decided, &accel_note, why, o->verbose);
						free(why);
						next = (size_t)(v - vms); /* rerun it under TCG */
						break;
					}
					v->done = true;
				} else {
					close(v->fd_err);
					v->fd_err = -1;
				}
			}
		}
		t = now();
		for (size_t i = 0; i < n; i++) {
			struct vm *v = &vms[i];
			char mark[64];
			if (v->pid <= 0)
				continue;
			if (!v->booted && v->con) {
				snprintf(mark, sizeof(mark), "@@BTFX-BOOT-%s@@", nonce);
				v->booted = strstr(v->con, mark) != NULL;
				if (v->booted)
					unlink(v->vmlinux); /* qemu has it in memory: do not leave it behind */
				if (v->booted && o->verbose)
					fprintf(stderr, "btftool: %s reached /init after %.1f s\n", base_name(v->image), t - v->t0);
				if (v->booted && v->kvm && !kvm_decided)
					kvm_decided = true; /* KVM works here */
			}
			if (!v->ended && v->con) {
				snprintf(mark, sizeof(mark), "@@BTFX-END-%s@@", nonce);
				if (strstr(v->con, mark)) {
					v->ended = true;
					v->end_seen = t;
					if (o->verbose)
						fprintf(stderr, "btftool: %s reported after %.1f s\n", base_name(v->image), t - v->t0);
				}
			}
			if (v->kvm && !kvm_decided && !v->booted && t - v->t0 > KVM_BOOT_WATCHDOG) {
				/* KVM guest stuck before /init: this host's KVM does not run guests */
				char *why = vasp("the guest did not reach /init within %.0f s", KVM_BOOT_WATCHDOG);
				vm_kill(v);
				vm_reap(v);
				running--;
				abandon_kvm(v, &kvm, &kvm_decided, &accel_note, why, o->verbose);
				free(why);
				next = (size_t)(v - vms); /* rerun it under TCG */
				continue;
			}
			/* the report is complete at the end marker: no need to wait for the power-off */
			if (v->ended || t >= v->deadline) {
				if (!v->ended && t >= v->deadline)
					v->timed_out = true;
				vm_kill(v);
				vm_reap(v);
				v->done = true;
				running--;
			}
		}
	}
	if (got_signal) {
		for (size_t i = 0; i < n; i++)
			if (vms[i].pid > 0) {
				vm_kill(&vms[i]);
				vm_reap(&vms[i]);
			}
		p_err("%s: interrupted", o->who);
		rc = EXIT_ERROR;
		goto restore;
	}
	rc = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		struct vm *v = &vms[i];
		if (v->verdict == VM_PENDING)
			vm_conclude(v, nonce, o);
		if (v->verdict == VM_REJECTED && rc == EXIT_OK)
			rc = EXIT_NEGATIVE;
		else if (v->verdict != VM_OK && v->verdict != VM_REJECTED)
			rc = EXIT_ERROR;
	}
	/* hand the outcome over */
	res->k = calloc(n ? n : 1, sizeof(*res->k));
	if (!res->k)
		die_nomem();
	res->n = n;
	res->nobjects = o->nobjects;
	res->note = accel_note;
	accel_note = NULL;
	for (size_t i = 0; i < n; i++) {
		struct vm *v = &vms[i];
		struct vm_kernel *k = &res->k[i];
		k->image = v->image;
		k->release = v->release;
		k->verdict = v->verdict;
		k->message = v->message;
		k->kvm = v->kvm;
		k->seconds = v->t1 - v->t0;
		k->console = v->con;
		k->reps = v->reps ? v->reps : calloc(o->nobjects ? o->nobjects : 1, sizeof(*k->reps));
		k->have_rep = v->have_rep ? v->have_rep : calloc(o->nobjects ? o->nobjects : 1, sizeof(*k->have_rep));
		if (!k->reps || !k->have_rep)
			die_nomem();
		v->release = v->message = v->con = NULL;
		v->reps = NULL;
		v->have_rep = NULL;
	}
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
out:
	if (dir_made)
		rm_tree(tmpl);
	for (size_t i = 0; vms && i < n; i++) {
		free(vms[i].vmlinux);
		free(vms[i].con);
		free(vms[i].err);
		free(vms[i].message);
		free(vms[i].release);
		free(vms[i].stderr_text);
		for (size_t j = 0; vms[i].reps && j < o->nobjects; j++)
			if (vms[i].have_rep[j])
				load_report_fini(&vms[i].reps[j]);
		free(vms[i].reps);
		free(vms[i].have_rep);
	}
	free(vms);
	payload_free(&pl);
	free(qemu);
	free(busybox);
	free(nonce);
	free(initrd);
	free(accel_note);
	return rc;
}
