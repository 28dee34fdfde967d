// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF ELF objects: sections, symbols, instructions, .BTF and .BTF.ext.
 *
 * Everything in .BTF.ext is checked on open: header, subsection framing,
 * record sizes, section names, instruction offsets (aligned, inside their
 * section, not inside the second slot of an ldimm64), type ids, string
 * offsets, relocation kinds and access strings.  A bad .BTF.ext is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfx/object.h"
#include "image.h"
#include "internal.h"

#define CORE_SPEC_MAX_LEN 64
#define BPF_LD_IMM64_CODE 0x18

struct btfx_obj {
	char *path;
	uint8_t *data;
	size_t size;
	bool big_endian;
	struct btfx *btf;
	struct btfx_obj_sec *secs;
	size_t nsecs;
	struct btfx_obj_prog *progs;
	size_t nprogs;
	struct btfx_func_info *funcs;
	size_t nfuncs;
	struct btfx_line_info *lines;
	size_t nlines;
	uint32_t *line_order; /* indexes of lines[] by (sec, insn_off, index), for btfx_obj_line_at */
	struct btfx_core_relo_rec *relos;
	size_t nrelos;
	char **names; /* owned section/symbol names */
	size_t nnames;
};

static int oerr(struct btfx_obj *obj, struct btfx_error *err, enum btfx_errc code, int64_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int oerr(struct btfx_obj *obj, struct btfx_error *err, enum btfx_errc code, int64_t off, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return btfx_set_err(err, code, EINVAL, 0, off, "%s: %s", obj->path, msg);
}

static char *own(struct btfx_obj *obj, const char *s)
{
	char **n = realloc(obj->names, (obj->nnames + 1) * sizeof(*n));
	if (!n)
		return NULL;
	obj->names = n;
	n[obj->nnames] = strdup(s);
	return n[obj->nnames] ? n[obj->nnames++] : NULL;
}

static uint32_t rd32(const struct btfx_obj *obj, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return obj->big_endian ? __builtin_bswap32(v) : v;
}

static int read_file(const char *path, uint8_t **data, size_t *size, struct btfx_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return btfx_set_err(err, BTFX_E_IO, errno, 0, -1, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return btfx_set_err(err, BTFX_E_IO, EINVAL, 0, -1, "%s: not a regular file", path);
	}
	*size = (size_t)st.st_size;
	*data = malloc(*size ? *size : 1);
	if (!*data) {
		close(fd);
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	}
	while (off < *size) {
		ssize_t n = read(fd, *data + off, *size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			free(*data);
			return btfx_set_err(err, BTFX_E_IO, e, 0, -1, "%s: read failed: %s", path, strerror(e));
		}
		off += (size_t)n;
	}
	close(fd);
	return 0;
}

static int sec_by_name(const struct btfx_obj *obj, const char *name)
{
	for (size_t i = 0; i < obj->nsecs; i++)
		if (!strcmp(obj->secs[i].name, name))
			return (int)i;
	return -1;
}

static int sec_by_elf_idx(const struct btfx_obj *obj, uint32_t idx)
{
	for (size_t i = 0; i < obj->nsecs; i++)
		if (obj->secs[i].idx == idx)
			return (int)i;
	return -1;
}

/* Access string grammar: decimal indices separated by ':' (libbpf's, minus
 * what sscanf lets through: signs, spaces, empty components, overflow). */
static int check_access_str(const char *s, uint32_t kind, char *why, size_t whylen)
{
	int n = 0;

	if (!*s) {
		snprintf(why, whylen, "empty access string");
		return -1;
	}
	if (kind >= 6 && kind <= 9) { /* type-based: must be exactly "0" */
		if (strcmp(s, "0")) {
			snprintf(why, whylen, "type-based relocation needs access string \"0\", got \"%.40s\"", s);
			return -1;
		}
		return 0;
	}
	if (kind == 12 && strcmp(s, "0")) {
		snprintf(why, whylen, "type-based relocation needs access string \"0\", got \"%.40s\"", s);
		return -1;
	}
	for (;;) {
		uint64_t v = 0;
		const char *start = s;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > 0x7fffffff) {
				snprintf(why, whylen, "access index too large at \"%.40s\"", start);
				return -1;
			}
			s++;
		}
		if (s == start) {
			snprintf(why, whylen, "bad access string: expected a decimal index at \"%.40s\"", start);
			return -1;
		}
		if (++n > CORE_SPEC_MAX_LEN) {
			snprintf(why, whylen, "access string has more than %d components", CORE_SPEC_MAX_LEN);
			return -1;
		}
		if (!*s)
			break;
		if (*s != ':') {
			snprintf(why, whylen, "bad access string: unexpected '%c'", *s);
			return -1;
		}
		s++;
	}
	if ((kind == 10 || kind == 11) && n != 1) {
		snprintf(why, whylen, "enum value relocation needs a single index");
		return -1;
	}
	return 0;
}

static const char *btf_str_ok(const struct btfx *btf, uint32_t off)
{
	return btfx_str(btf, off);
}

/*
 * Only ALU/ALU64 with an immediate, LDX/ST/STX and a well-formed ldimm64 can
 * carry a CO-RE relocation; libbpf finds out at load time, we at open.
 */
static bool insn_can_carry_relo(const struct btfx_obj_sec *sec, uint32_t idx, char *why, size_t whylen)
{
	const struct btfx_insn *in = &sec->insns[idx];

	switch (in->code & 0x07) {
	case 0x04: case 0x07: /* ALU, ALU64 */
		if (in->code & 0x08) {
			snprintf(why, whylen, "(code 0x%02x) is an ALU instruction with a register source", in->code);
			return false;
		}
		return true;
	case 0x01: case 0x02: case 0x03: /* LDX, ST, STX */
		return true;
	case 0x00:
		if (in->code == BPF_LD_IMM64_CODE && idx + 1 < sec->insn_cnt && !in->src_reg && !in->off &&
		    !in[1].code && !in[1].dst_reg && !in[1].src_reg && !in[1].off)
			return true;
		snprintf(why, whylen, "(code 0x%02x) is not a well-formed ldimm64", in->code);
		return false;
	default:
		snprintf(why, whylen, "(code 0x%02x) cannot carry a CO-RE relocation", in->code);
		return false;
	}
}

enum { EXT_FUNC, EXT_LINE, EXT_CORE };
static const uint32_t ext_min_rec[] = { 8, 16, 16 };
static const char *const ext_name[] = { "func_info", "line_info", "core_relo" };

static int ext_records(struct btfx_obj *obj, int which, const uint8_t *data, uint32_t len, int64_t file_off,
		       bool foreign, struct btfx_error *err)
{
	uint32_t rec_size, pos = 4;
	const struct btfx *btf = obj->btf;

	if (len < 4)
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext %s: %u bytes cannot hold rec_size", ext_name[which],
			    len);
	rec_size = rd32(obj, data);
	if (rec_size < ext_min_rec[which] || rec_size % 4)
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext %s: rec_size %u (minimum %u, multiple of 4)",
			    ext_name[which], rec_size, ext_min_rec[which]);
	if (foreign && rec_size != ext_min_rec[which])
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext %s: foreign-endian rec_size must be %u, got %u",
			    ext_name[which], ext_min_rec[which], rec_size);
	if (len == 4)
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext %s: no section records", ext_name[which]);
	while (pos < len) {
		uint32_t name_off, num, prev = 0;
		const char *sname;
		int si;
		uint64_t need;

		if (len - pos < 8)
			return oerr(obj, err, BTFX_E_EXT, file_off + pos, ".BTF.ext %s: truncated section header",
				    ext_name[which]);
		name_off = rd32(obj, data + pos);
		num = rd32(obj, data + pos + 4);
		if (!num)
			return oerr(obj, err, BTFX_E_EXT, file_off + pos, ".BTF.ext %s: num_info is 0", ext_name[which]);
		need = (uint64_t)num * rec_size;
		if (need > len - pos - 8)
			return oerr(obj, err, BTFX_E_EXT, file_off + pos,
				    ".BTF.ext %s: %u records of %u bytes run past the subsection end", ext_name[which], num,
				    rec_size);
		sname = btf_str_ok(btf, name_off);
		if (!sname || !*sname)
			return oerr(obj, err, BTFX_E_EXT, file_off + pos, ".BTF.ext %s: invalid section name offset %u",
				    ext_name[which], name_off);
		si = sec_by_name(obj, sname);
		if (si < 0)
			return oerr(obj, err, BTFX_E_EXT, file_off + pos, ".BTF.ext %s: section '%s' is not a code section",
				    ext_name[which], sname);
		pos += 8;
		for (uint32_t r = 0; r < num; r++, pos += rec_size) {
			const uint8_t *p = data + pos;
			uint32_t insn_off = rd32(obj, p);
			int64_t at = file_off + pos;
			const struct btfx_obj_sec *sec = &obj->secs[si];

			if (insn_off % 8)
				return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext %s: %s record %u: insn_off %u is not a multiple of 8",
					    ext_name[which], sname, r, insn_off);
			if (insn_off / 8 >= sec->insn_cnt)
				return oerr(obj, err, BTFX_E_EXT, at,
					    ".BTF.ext %s: %s record %u: insn_off %u is past the section's %u instructions",
					    ext_name[which], sname, r, insn_off, sec->insn_cnt);
			if (insn_off / 8 > 0 && sec->insns[insn_off / 8 - 1].code == BPF_LD_IMM64_CODE &&
			    (insn_off / 8 < 2 || sec->insns[insn_off / 8 - 2].code != BPF_LD_IMM64_CODE))
				return oerr(obj, err, BTFX_E_EXT, at,
					    ".BTF.ext %s: %s record %u: insn_off %u points into the second half of an ldimm64",
					    ext_name[which], sname, r, insn_off);
			if (which == EXT_FUNC) {
				uint32_t tid = rd32(obj, p + 4);
				const struct btfx_type *t = btfx_type_by_id(btf, tid);
				struct btfx_func_info *f;
				if (r == 0 && insn_off != 0)
					return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext func_info: %s: first record at insn_off %u, not 0",
						    sname, insn_off);
				if (r > 0 && insn_off <= prev)
					return oerr(obj, err, BTFX_E_EXT, at,
						    ".BTF.ext func_info: %s record %u: insn_off %u not after %u", sname, r,
						    insn_off, prev);
				if (!tid || !t || btfx_kind(t) != BTFX_KIND_FUNC)
					return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext func_info: %s record %u: type %u is not a FUNC",
						    sname, r, tid);
				f = realloc(obj->funcs, (obj->nfuncs + 1) * sizeof(*f));
				if (!f)
					return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				obj->funcs = f;
				f[obj->nfuncs++] = (struct btfx_func_info){ (uint32_t)si, insn_off, tid };
			} else if (which == EXT_LINE) {
				uint32_t fo = rd32(obj, p + 4), lo = rd32(obj, p + 8), lc = rd32(obj, p + 12);
				const char *file = btf_str_ok(btf, fo), *line = btf_str_ok(btf, lo);
				struct btfx_line_info *l;
				if (!file || !line)
					return oerr(obj, err, BTFX_E_EXT, at,
						    ".BTF.ext line_info: %s record %u: bad string offset (file %u, line %u)",
						    sname, r, fo, lo);
				l = realloc(obj->lines, (obj->nlines + 1) * sizeof(*l));
				if (!l)
					return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				obj->lines = l;
				l[obj->nlines++] = (struct btfx_line_info){ (uint32_t)si, insn_off, file, line, lc >> 10,
									    lc & 0x3ff };
			} else {
				uint32_t tid = rd32(obj, p + 4), so = rd32(obj, p + 8), kind = rd32(obj, p + 12);
				const char *acc = btf_str_ok(btf, so);
				struct btfx_core_relo_rec *c;
				char why[160];
				if (kind > 12)
					return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext core_relo: %s record %u: unknown relocation kind %u",
						    sname, r, kind);
				if (!tid || tid >= btfx_type_cnt(btf))
					return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext core_relo: %s record %u: type id %u does not exist",
						    sname, r, tid);
				if (!acc)
					return oerr(obj, err, BTFX_E_EXT, at,
						    ".BTF.ext core_relo: %s record %u: access string offset %u out of range", sname,
						    r, so);
				if (check_access_str(acc, kind, why, sizeof(why)))
					return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext core_relo: %s record %u: %s", sname, r, why);
				if (!insn_can_carry_relo(sec, insn_off / 8, why, sizeof(why)))
					return oerr(obj, err, BTFX_E_EXT, at, ".BTF.ext core_relo: %s record %u: instruction #%u %s",
						    sname, r, insn_off / 8, why);
				c = realloc(obj->relos, (obj->nrelos + 1) * sizeof(*c));
				if (!c)
					return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				obj->relos = c;
				c[obj->nrelos++] = (struct btfx_core_relo_rec){ (uint32_t)si, insn_off, tid, so, kind, acc };
			}
			prev = insn_off;
		}
	}
	return 0;
}

static int cmp_line(const void *a, const void *b, void *lines)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct btfx_line_info *p = (const struct btfx_line_info *)lines + x,
				    *q = (const struct btfx_line_info *)lines + y;

	if (p->sec != q->sec)
		return p->sec < q->sec ? -1 : 1;
	if (p->insn_off != q->insn_off)
		return p->insn_off < q->insn_off ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int order_lines(struct btfx_obj *obj, struct btfx_error *err)
{
	obj->line_order = malloc(obj->nlines * sizeof(*obj->line_order));
	if (!obj->line_order)
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	for (size_t i = 0; i < obj->nlines; i++)
		obj->line_order[i] = (uint32_t)i;
	qsort_r(obj->line_order, obj->nlines, sizeof(*obj->line_order), cmp_line, obj->lines);
	return 0;
}

static int parse_ext(struct btfx_obj *obj, const uint8_t *d, size_t size, int64_t file_off, struct btfx_error *err)
{
	uint16_t magic;
	uint32_t hdr_len, offs[3] = { 0 }, lens[3] = { 0 };
	bool foreign;
	size_t data_len;

	if (size < 8)
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext: %zu bytes is too short for a header", size);
	memcpy(&magic, d, 2);
	if (magic != BTFX_MAGIC && magic != __builtin_bswap16(BTFX_MAGIC))
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext: invalid magic 0x%04x", magic);
	foreign = magic != BTFX_MAGIC;
	if (foreign != (obj->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)))
		return oerr(obj, err, BTFX_E_EXT, file_off, ".BTF.ext: byte order differs from the ELF file's");
	if (d[2] != 1)
		return oerr(obj, err, BTFX_E_EXT, file_off + 2, ".BTF.ext: unsupported version %u", d[2]);
	if (d[3] != 0)
		return oerr(obj, err, BTFX_E_EXT, file_off + 3, ".BTF.ext: unsupported flags 0x%x", d[3]);
	hdr_len = rd32(obj, d + 4);
	if (hdr_len < 24)
		return oerr(obj, err, BTFX_E_EXT, file_off + 4, ".BTF.ext: hdr_len %u is shorter than 24", hdr_len);
	if (hdr_len > 24 && hdr_len < 32)
		return oerr(obj, err, BTFX_E_EXT, file_off + 4, ".BTF.ext: hdr_len %u cuts the core_relo fields", hdr_len);
	if (hdr_len >= size)
		return oerr(obj, err, BTFX_E_EXT, file_off + 4, ".BTF.ext: hdr_len %u leaves no data in %zu bytes", hdr_len,
			    size);
	for (uint32_t i = 32; i < hdr_len; i++)
		if (d[i])
			return oerr(obj, err, BTFX_E_EXT, file_off + i, ".BTF.ext: non-zero byte in unknown header tail");
	for (int i = 0; i < 3; i++) {
		if (i == EXT_CORE && hdr_len < 32)
			break;
		offs[i] = rd32(obj, d + 8 + 8 * i);
		lens[i] = rd32(obj, d + 12 + 8 * i);
	}
	data_len = size - hdr_len;
	for (int i = 0; i < 3; i++) {
		int e;
		if (!lens[i])
			continue;
		if (offs[i] % 4)
			return oerr(obj, err, BTFX_E_EXT, file_off + 8 + 8 * i, ".BTF.ext %s: offset %u is not 4-byte aligned",
				    ext_name[i], offs[i]);
		if ((uint64_t)offs[i] + lens[i] > data_len)
			return oerr(obj, err, BTFX_E_EXT, file_off + 8 + 8 * i,
				    ".BTF.ext %s: [%u, +%u) runs past the %zu data bytes", ext_name[i], offs[i], lens[i],
				    data_len);
		e = ext_records(obj, i, d + hdr_len + offs[i], lens[i], file_off + hdr_len + offs[i], foreign, err);
		if (e)
			return e;
	}
	return 0;
}

static int cmp_prog(const void *a, const void *b)
{
	const struct btfx_obj_prog *x = a, *y = b;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->first_insn < y->first_insn ? -1 : x->first_insn > y->first_insn;
}

static int load_elf(struct btfx_obj *obj, struct btfx_error *err)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t shstrndx, nscn;
	const uint8_t *btf_data = NULL, *ext_data = NULL;
	size_t btf_size = 0, ext_size = 0;
	int64_t ext_off = 0;
	size_t btf_idx = 0, ext_idx = 0;
	Elf_Scn *symscn = NULL;
	GElf_Shdr symsh = { 0 };
	int e = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return oerr(obj, err, BTFX_E_ELF, -1, "libelf init failed");
	if (obj->size < EI_NIDENT || memcmp(obj->data, ELFMAG, SELFMAG))
		return oerr(obj, err, BTFX_E_FORMAT, 0, "not an ELF file");
	elf = elf_memory((char *)obj->data, obj->size);
	if (!elf)
		return oerr(obj, err, BTFX_E_ELF, 0, "bad ELF: %s", elf_errmsg(-1));
	if (!gelf_getehdr(elf, &eh)) {
		e = oerr(obj, err, BTFX_E_ELF, 0, "bad ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	obj->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (eh.e_machine != EM_BPF || eh.e_type != ET_REL) {
		e = oerr(obj, err, BTFX_E_FORMAT, 0, "not a BPF object (e_machine %u, e_type %u)", eh.e_machine, eh.e_type);
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &nscn)) {
		e = oerr(obj, err, BTFX_E_ELF, (int64_t)eh.e_shoff, "bad section header table: %s", elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		size_t idx = elf_ndxscn(scn);

		if (!gelf_getshdr(scn, &sh)) {
			e = oerr(obj, err, BTFX_E_ELF, (int64_t)eh.e_shoff, "bad section header #%zu", idx);
			goto out;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name) {
			e = oerr(obj, err, BTFX_E_ELF, (int64_t)eh.e_shoff, "section #%zu: bad name offset %u", idx, sh.sh_name);
			goto out;
		}
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > obj->size || sh.sh_size > obj->size - sh.sh_offset)) {
			e = oerr(obj, err, BTFX_E_ELF, (int64_t)sh.sh_offset,
				 "section %s [offset %llu, size %llu] runs past the end of the file (%zu bytes)", name,
				 (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_size, obj->size);
			goto out;
		}
		if (!strcmp(name, ".BTF") || !strcmp(name, ".BTF.ext")) {
			if (sh.sh_type == SHT_NOBITS) {
				e = oerr(obj, err, BTFX_E_ELF, -1, "section %s has no data (SHT_NOBITS)", name);
				goto out;
			}
			/* which one would the loader and the relocator use?  (libbpf: the last) */
			if (name[4] ? ext_idx : btf_idx) {
				e = oerr(obj, err, BTFX_E_ELF, (int64_t)sh.sh_offset, "two %s sections (#%zu and #%zu)", name,
					 name[4] ? ext_idx : btf_idx, idx);
				goto out;
			}
			if (name[4]) {
				ext_idx = idx;
				ext_data = obj->data + sh.sh_offset;
				ext_size = sh.sh_size;
				ext_off = (int64_t)sh.sh_offset;
			} else {
				btf_idx = idx;
				btf_data = obj->data + sh.sh_offset;
				btf_size = sh.sh_size;
			}
		} else if (sh.sh_type == SHT_SYMTAB) {
			if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_size % sizeof(Elf64_Sym)) {
				e = oerr(obj, err, BTFX_E_ELF, (int64_t)sh.sh_offset, "symbol table with entry size %llu",
					 (unsigned long long)sh.sh_entsize);
				goto out;
			}
			symscn = scn;
			symsh = sh;
		} else if (sh.sh_type == SHT_REL) {
			if (sh.sh_entsize != sizeof(Elf64_Rel) || sh.sh_size % sizeof(Elf64_Rel)) {
				e = oerr(obj, err, BTFX_E_ELF, (int64_t)sh.sh_offset, "relocation section %s with entry size %llu",
					 name, (unsigned long long)sh.sh_entsize);
				goto out;
			}
		} else if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR)) {
			struct btfx_obj_sec *s = realloc(obj->secs, (obj->nsecs + 1) * sizeof(*s));
			const uint8_t *src = obj->data + sh.sh_offset;
			if (!s) {
				e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				goto out;
			}
			obj->secs = s;
			s = &s[obj->nsecs];
			memset(s, 0, sizeof(*s));
			if (sh.sh_size % 8) {
				e = oerr(obj, err, BTFX_E_ELF, (int64_t)sh.sh_offset, "code section %s size %llu is not a multiple of 8",
					 name, (unsigned long long)sh.sh_size);
				goto out;
			}
			s->name = own(obj, name);
			s->idx = (uint32_t)idx;
			s->insn_cnt = (uint32_t)(sh.sh_size / 8);
			s->file_off = sh.sh_offset;
			s->insns = calloc(s->insn_cnt ? s->insn_cnt : 1, sizeof(struct btfx_insn));
			if (!s->name || !s->insns) {
				free(s->insns);
				e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				goto out;
			}
			obj->nsecs++;
			for (uint32_t i = 0; i < s->insn_cnt; i++) {
				const uint8_t *p = src + 8 * i;
				uint16_t off;
				s->insns[i].code = p[0];
				s->insns[i].dst_reg = obj->big_endian ? p[1] >> 4 : p[1] & 0xf;
				s->insns[i].src_reg = obj->big_endian ? p[1] & 0xf : p[1] >> 4;
				memcpy(&off, p + 2, 2);
				if (obj->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
					off = __builtin_bswap16(off);
				s->insns[i].off = (int16_t)off;
				s->insns[i].imm = (int32_t)rd32(obj, p + 4);
			}
		}
	}
	if (!btf_data) {
		e = btfx_set_err(err, BTFX_E_NOBTF, ENODATA, 0, -1, "%s: BPF object has no .BTF section", obj->path);
		goto out;
	}
	{
		struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_OBJECT };
		char name[4096];
		snprintf(name, sizeof(name), "%s(.BTF)", obj->path);
		obj->btf = btfx_parse(btf_data, btf_size, name, false, &o, err);
		if (!obj->btf) {
			e = -EINVAL;
			goto out;
		}
	}
	/* programs: function symbols in code sections */
	if (symscn) {
		Elf_Data *sd = elf_getdata(symscn, NULL);
		size_t n = sd ? sd->d_size / sizeof(Elf64_Sym) : 0;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *sname;
			int si;
			struct btfx_obj_prog *p;
			if (!gelf_getsym(sd, (int)i, &sym))
				continue;
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			si = sec_by_elf_idx(obj, sym.st_shndx);
			if (si < 0)
				continue;
			sname = elf_strptr(elf, symsh.sh_link, sym.st_name);
			if (!sname) {
				e = oerr(obj, err, BTFX_E_ELF, -1, "symbol #%zu: bad name offset", i);
				goto out;
			}
			if (sym.st_value % 8 || sym.st_size % 8 || sym.st_value / 8 > obj->secs[si].insn_cnt ||
			    sym.st_size / 8 > obj->secs[si].insn_cnt - sym.st_value / 8) {
				e = oerr(obj, err, BTFX_E_ELF, -1,
					 "symbol '%s' [value %llu, size %llu] does not fit in section %s (%u instructions)", sname,
					 (unsigned long long)sym.st_value, (unsigned long long)sym.st_size, obj->secs[si].name,
					 obj->secs[si].insn_cnt);
				goto out;
			}
			p = realloc(obj->progs, (obj->nprogs + 1) * sizeof(*p));
			if (!p) {
				e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				goto out;
			}
			obj->progs = p;
			p[obj->nprogs] = (struct btfx_obj_prog){ own(obj, sname), (uint32_t)si, (uint32_t)(sym.st_value / 8),
								  (uint32_t)(sym.st_size / 8),
								  GELF_ST_BIND(sym.st_info) == STB_GLOBAL };
			if (!p[obj->nprogs].name) {
				e = btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
				goto out;
			}
			obj->nprogs++;
		}
		if (obj->nprogs > 1)
			qsort(obj->progs, obj->nprogs, sizeof(*obj->progs), cmp_prog);
	}
	if (ext_data)
		e = parse_ext(obj, ext_data, ext_size, ext_off, err);
	if (!e && obj->nlines)
		e = order_lines(obj, err);
out:
	elf_end(elf);
	return e;
}

BTFX_API struct btfx_obj *btfx_obj_open(const char *path, struct btfx_error *err)
{
	struct btfx_obj *obj;

	if (err)
		memset(err, 0, sizeof(*err));
	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		return NULL;
	}
	obj->path = strdup(path);
	if (!obj->path) {
		btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
		btfx_obj_free(obj);
		return NULL;
	}
	if (read_file(path, &obj->data, &obj->size, err) || load_elf(obj, err)) {
		btfx_obj_free(obj);
		return NULL;
	}
	return obj;
}

BTFX_API void btfx_obj_free(struct btfx_obj *obj)
{
	if (!obj)
		return;
	btfx_free(obj->btf);
	for (size_t i = 0; i < obj->nsecs; i++)
		free(obj->secs[i].insns);
	free(obj->secs);
	free(obj->progs);
	free(obj->funcs);
	free(obj->lines);
	free(obj->line_order);
	free(obj->relos);
	for (size_t i = 0; i < obj->nnames; i++)
		free(obj->names[i]);
	free(obj->names);
	free(obj->data);
	free(obj->path);
	free(obj);
}

BTFX_API const char *btfx_obj_path(const struct btfx_obj *obj) { return obj->path; }
BTFX_API const struct btfx *btfx_obj_btf(const struct btfx_obj *obj) { return obj->btf; }
BTFX_API bool btfx_obj_big_endian(const struct btfx_obj *obj) { return obj->big_endian; }

BTFX_API const struct btfx_obj_sec *btfx_obj_secs(const struct btfx_obj *obj, size_t *cnt)
{
	*cnt = obj->nsecs;
	return obj->secs;
}

BTFX_API const struct btfx_obj_prog *btfx_obj_progs(const struct btfx_obj *obj, size_t *cnt)
{
	*cnt = obj->nprogs;
	return obj->progs;
}

BTFX_API const struct btfx_func_info *btfx_obj_func_info(const struct btfx_obj *obj, size_t *cnt)
{
	*cnt = obj->nfuncs;
	return obj->funcs;
}

BTFX_API const struct btfx_line_info *btfx_obj_line_info(const struct btfx_obj *obj, size_t *cnt)
{
	*cnt = obj->nlines;
	return obj->lines;
}

BTFX_API const struct btfx_core_relo_rec *btfx_obj_core_relos(const struct btfx_obj *obj, size_t *cnt)
{
	*cnt = obj->nrelos;
	return obj->relos;
}

BTFX_API const struct btfx_obj_prog *btfx_obj_prog_at(const struct btfx_obj *obj, uint32_t sec, uint32_t insn_idx)
{
	const struct btfx_obj_prog *best = NULL;

	for (size_t i = 0; i < obj->nprogs; i++) {
		const struct btfx_obj_prog *p = &obj->progs[i];
		if (p->sec != sec || p->first_insn > insn_idx)
			continue;
		if (insn_idx < p->first_insn + p->insn_cnt || !p->insn_cnt)
			best = p;
	}
	return best;
}

/* The line record for an instruction: the last (in record order) of those
 * with the greatest insn_off at or before it, in its section; binary search
 * over line_order. */
BTFX_API const struct btfx_line_info *btfx_obj_line_at(const struct btfx_obj *obj, uint32_t sec, uint32_t insn_off)
{
	size_t lo = 0, hi = obj->nlines; /* first index whose line is after (sec, insn_off) */
	const struct btfx_line_info *l;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		l = &obj->lines[obj->line_order[mid]];
		if (l->sec < sec || (l->sec == sec && l->insn_off <= insn_off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	l = &obj->lines[obj->line_order[lo - 1]];
	return l->sec == sec ? l : NULL;
}

BTFX_API const void *btfx_obj_file_data(const struct btfx_obj *obj, size_t *size)
{
	*size = obj->size;
	return obj->data;
}
