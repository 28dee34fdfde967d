/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal: kernel images and compressed payloads. */
#ifndef BTFX_IMAGE_H
#define BTFX_IMAGE_H
#include "btfx/btfx.h"

enum btfx_codec {
	BTFX_CODEC_NONE = 0,
	BTFX_CODEC_GZIP,
	BTFX_CODEC_BZIP2,
	BTFX_CODEC_XZ,
	BTFX_CODEC_LZMA,      /* legacy .lzma (lzma_alone) */
	BTFX_CODEC_LZ4_LEGACY,/* lz4 legacy frames (magic 0x184C2102), as the kernel uses */
	BTFX_CODEC_LZ4_FRAME,
	BTFX_CODEC_ZSTD,
};

/* Codec whose magic starts data, or BTFX_CODEC_NONE. */
enum btfx_codec btfx_codec_detect(const void *data, size_t size);
const char *btfx_codec_name(enum btfx_codec c);

/* True if data looks like an x86 bzImage (boot protocol "HdrS" at 0x202). */
bool btfx_is_bzimage(const void *data, size_t size);

/* Decompress a whole compressed stream (e.g. .ko.xz, .ko.zst) into a
 * malloc'd buffer.  Output is capped at max_out bytes (error beyond).
 * path is used in messages only.  Returns 0 or -errno with *err filled
 * (code BTFX_E_IMAGE, offset where possible). */
int btfx_decompress(const char *path, enum btfx_codec c, const void *data, size_t size,
		    size_t max_out, void **out, size_t *out_size, struct btfx_error *err);

/* From a kernel image (bzImage, or any file embedding a compressed
 * vmlinux), find the compressed payload, decompress it and return the
 * vmlinux ELF in a malloc'd buffer. */
int btfx_image_extract_vmlinux(const char *path, const void *data, size_t size,
			       void **out, size_t *out_size, struct btfx_error *err);

/* Shared by all modules: fill *err (if non-NULL) printf-style and return -errnum. */
int btfx_set_err(struct btfx_error *err, enum btfx_errc code, int errnum, uint32_t type_id,
		 int64_t offset, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#endif
