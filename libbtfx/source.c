// SPDX-License-Identifier: BSD-2-Clause
/*
 * Opening BTF sources: raw blobs (mmap'd, or read when the file cannot be
 * mapped), ELF files (.BTF through libelf), compressed kernel images and
 * compressed modules.  The kind of input is told by its content, never by
 * its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "internal.h"

#define SYSFS_BTF "/sys/kernel/btf/"
#define MAX_FILE_SIZE (4ull << 30)

struct file_buf {
	const uint8_t *data;
	size_t size;
	void *map;
	void *heap;
};

static int read_all(int fd, const char *path, struct file_buf *fb, struct btfx_error *err)
{
	size_t cap = 1 << 20, len = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
	for (;;) {
		ssize_t n;
		if (len == cap) {
			uint8_t *nb;
			if (cap >= MAX_FILE_SIZE) {
				free(buf);
				return btfx_set_err(err, BTFX_E_LIMIT, EFBIG, 0, -1, "%s: file too large", path);
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return btfx_set_err(err, BTFX_E_IO, e, 0, -1, "%s: read failed: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	fb->data = buf;
	fb->heap = buf;
	fb->size = len;
	return 0;
}

static int load_file(const char *path, struct file_buf *fb, struct btfx_error *err)
{
	struct stat st;
	int fd, e = 0;

	memset(fb, 0, sizeof(*fb));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return btfx_set_err(err, BTFX_E_IO, errno, 0, -1, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		e = btfx_set_err(err, BTFX_E_IO, errno, 0, -1, "%s: %s", path, strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		e = btfx_set_err(err, BTFX_E_IO, EISDIR, 0, -1, "%s: is a directory", path);
	} else if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= MAX_FILE_SIZE) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			fb->map = m;
			fb->data = m;
			fb->size = (size_t)st.st_size;
		} else {
			e = read_all(fd, path, fb, err);
		}
	} else {
		e = read_all(fd, path, fb, err);
	}
	close(fd);
	return e;
}

static void file_buf_release(struct file_buf *fb)
{
	if (fb->map)
		munmap(fb->map, fb->size);
	free(fb->heap);
	memset(fb, 0, sizeof(*fb));
}

static bool is_btf_magic(const uint8_t *d, size_t n)
{
	return n >= 2 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f));
}

static bool is_elf(const uint8_t *d, size_t n)
{
	return n >= 4 && !memcmp(d, "\177ELF", 4);
}

struct elf_btf {
	const uint8_t *btf;
	size_t btf_size;
	const uint8_t *base;   /* .BTF.base (distilled base), if any */
	size_t base_size;
	int64_t btf_off;
	bool object;           /* ET_REL for EM_BPF */
	bool module;           /* ET_REL kernel module: split BTF */
};

static int elf_find_btf(const char *path, const uint8_t *data, size_t size, struct elf_btf *out,
			struct btfx_error *err)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t shstrndx, btf_idx = 0, base_idx = 0;
	int e = 0;

	memset(out, 0, sizeof(*out));
	out->btf_off = -1;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, -1, "%s: libelf init failed", path);
	elf = elf_memory((char *)data, size);
	if (!elf)
		return btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, 0, "%s: not a valid ELF file: %s", path, elf_errmsg(-1));
	if (!gelf_getehdr(elf, &eh)) {
		e = btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, 0, "%s: bad ELF header: %s", path, elf_errmsg(-1));
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		e = btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, (int64_t)eh.e_shoff,
				 "%s: bad ELF section header string index: %s", path, elf_errmsg(-1));
		goto out;
	}
	out->object = eh.e_type == ET_REL && eh.e_machine == EM_BPF;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		bool is_btf, is_base, modinfo;

		if (!gelf_getshdr(scn, &sh)) {
			e = btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, (int64_t)eh.e_shoff, "%s: bad section header #%zu: %s",
					 path, elf_ndxscn(scn), elf_errmsg(-1));
			goto out;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		modinfo = !strcmp(name, ".modinfo") || !strcmp(name, ".gnu.linkonce.this_module");
		if (modinfo && eh.e_type == ET_REL)
			out->module = true;
		is_btf = !strcmp(name, ".BTF");
		is_base = !strcmp(name, ".BTF.base");
		if (!is_btf && !is_base)
			continue;
		if (sh.sh_type == SHT_NOBITS) {
			e = btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, -1, "%s: section %s has no data (SHT_NOBITS)", path,
					 name);
			goto out;
		}
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset) {
			e = btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, (int64_t)sh.sh_offset,
					 "%s: section %s [offset %llu, size %llu] runs past the end of the file (%zu bytes)",
					 path, name, (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_size, size);
			goto out;
		}
		if (is_btf ? btf_idx : base_idx) { /* which one?  (libbpf: the last) */
			e = btfx_set_err(err, BTFX_E_ELF, EINVAL, 0, (int64_t)sh.sh_offset,
					 "%s: two %s sections (#%zu and #%zu)", path, name, is_btf ? btf_idx : base_idx,
					 elf_ndxscn(scn));
			goto out;
		}
		if (is_btf) {
			btf_idx = elf_ndxscn(scn);
			out->btf = data + sh.sh_offset;
			out->btf_size = sh.sh_size;
			out->btf_off = (int64_t)sh.sh_offset;
		} else {
			base_idx = elf_ndxscn(scn);
			out->base = data + sh.sh_offset;
			out->base_size = sh.sh_size;
		}
	}
	if (!out->btf)
		e = btfx_set_err(err, BTFX_E_NOBTF, ENODATA, 0, -1, "%s: ELF file has no .BTF section", path);
out:
	elf_end(elf);
	return e;
}

static struct btfx *open_sysfs_vmlinux(struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o), .flags = BTFX_F_NO_AUTO_BASE };
	return btfx_open(SYSFS_BTF "vmlinux", &o, err);
}

/* Parse a blob held in fb, transferring ownership of fb to the object. */
static struct btfx *parse_owned(const char *path, struct file_buf *fb, const uint8_t *blob, size_t size,
				enum btfx_source_kind src, const struct btfx_open_opts *opts, struct btfx_error *err)
{
	struct btfx *btf = btfx__parse_blob(blob, size, path, opts, err);

	if (!btf) {
		file_buf_release(fb);
		return NULL;
	}
	btf->map = fb->map;
	btf->map_size = fb->map ? fb->size : 0;
	btf->buf = fb->heap;
	btf->src = src;
	memset(fb, 0, sizeof(*fb));
	return btf;
}

static struct btfx *open_elf(const char *path, struct file_buf *fb, enum btfx_source_kind src,
			     const struct btfx_open_opts *opts, struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o) };
	struct btfx *owned_base = NULL, *btf;
	struct elf_btf eb;
	int e;

	o.base = BTFX_OPTS_GET(opts, base, NULL);
	o.flags = BTFX_OPTS_GET(opts, flags, 0);
	e = elf_find_btf(path, fb->data, fb->size, &eb, err);
	if (e) {
		file_buf_release(fb);
		return NULL;
	}
	if (eb.object)
		o.flags |= BTFX_F_OBJECT;
	if (!o.base && eb.base) {
		/* distilled base shipped with an out-of-tree module */
		char bpath[4096];
		snprintf(bpath, sizeof(bpath), "%s(.BTF.base)", path);
		owned_base = btfx_parse(eb.base, eb.base_size, bpath, true, NULL, err);
		if (!owned_base) {
			file_buf_release(fb);
			return NULL;
		}
		o.base = owned_base;
	}
	if (!o.base && eb.module) {
		btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1,
			     "%s: kernel module BTF is split BTF: give its vmlinux as base (-B FILE)", path);
		file_buf_release(fb);
		return NULL;
	}
	btf = parse_owned(path, fb, eb.btf, eb.btf_size, src, &o, err);
	if (!btf) {
		btfx_free(owned_base);
		return NULL;
	}
	btf->owned_base = owned_base;
	return btf;
}

BTFX_API struct btfx *btfx_open(const char *path, const struct btfx_open_opts *opts, struct btfx_error *err)
{
	struct btfx_open_opts o = { .sz = sizeof(o) };
	struct btfx *owned_base = NULL, *btf = NULL;
	struct file_buf fb;
	enum btfx_codec codec;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!path)
		path = SYSFS_BTF "vmlinux";
	o.base = BTFX_OPTS_GET(opts, base, NULL);
	o.flags = BTFX_OPTS_GET(opts, flags, 0);
	if (load_file(path, &fb, err))
		return NULL;

	if (is_btf_magic(fb.data, fb.size)) {
		if (!o.base && !(o.flags & BTFX_F_NO_AUTO_BASE) && !strncmp(path, SYSFS_BTF, strlen(SYSFS_BTF)) &&
		    strcmp(path + strlen(SYSFS_BTF), "vmlinux")) {
			owned_base = open_sysfs_vmlinux(err);
			if (!owned_base) {
				file_buf_release(&fb);
				return NULL;
			}
			o.base = owned_base;
		}
		btf = parse_owned(path, &fb, fb.data, fb.size, BTFX_SRC_RAW, &o, err);
		if (!btf) {
			btfx_free(owned_base);
			return NULL;
		}
		btf->owned_base = owned_base;
		return btf;
	}
	if (is_elf(fb.data, fb.size))
		return open_elf(path, &fb, BTFX_SRC_ELF, &o, err);

	codec = btfx_codec_detect(fb.data, fb.size);
	if (btfx_is_bzimage(fb.data, fb.size) || codec == BTFX_CODEC_NONE) {
		struct file_buf out = { 0 };
		void *vm;
		size_t vm_size;
		if (!btfx_is_bzimage(fb.data, fb.size) && fb.size < 4096) {
			btfx_set_err(err, BTFX_E_FORMAT, EINVAL, 0, 0,
				     "%s: not BTF, ELF, a kernel image or a compressed file", path);
			file_buf_release(&fb);
			return NULL;
		}
		if (btfx_image_extract_vmlinux(path, fb.data, fb.size, &vm, &vm_size, err)) {
			if (!btfx_is_bzimage(fb.data, fb.size))
				btfx_set_err(err, BTFX_E_FORMAT, EINVAL, 0, 0,
					     "%s: not BTF, ELF, a kernel image or a compressed file", path);
			file_buf_release(&fb);
			return NULL;
		}
		file_buf_release(&fb);
		out.data = vm;
		out.heap = vm;
		out.size = vm_size;
		return open_elf(path, &out, BTFX_SRC_IMAGE, &o, err);
	} else {
		struct file_buf out = { 0 };
		void *dec;
		size_t dec_size;
		if (btfx_decompress(path, codec, fb.data, fb.size, 1ull << 31, &dec, &dec_size, err)) {
			file_buf_release(&fb);
			return NULL;
		}
		file_buf_release(&fb);
		out.data = dec;
		out.heap = dec;
		out.size = dec_size;
		if (is_btf_magic(out.data, out.size))
			return parse_owned(path, &out, out.data, out.size, BTFX_SRC_COMPRESSED, &o, err);
		if (is_elf(out.data, out.size))
			return open_elf(path, &out, BTFX_SRC_COMPRESSED, &o, err);
		btfx_set_err(err, BTFX_E_FORMAT, EINVAL, 0, 0, "%s: decompressed %s data is neither BTF nor ELF", path,
			     btfx_codec_name(codec));
		file_buf_release(&out);
		return NULL;
	}
}

BTFX_API void btfx_free(struct btfx *btf)
{
	if (!btf)
		return;
	btfx__names_free(btf->names);
	free(btf->ref_start);
	free(btf->ref_ids);
	free(btf->res);
	free(btf->type_offs);
	free(btf->swapped);
	if (btf->map)
		munmap(btf->map, btf->map_size);
	free(btf->buf);
	btfx_free(btf->owned_base);
	free(btf->path);
	free(btf);
}
