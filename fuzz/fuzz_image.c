// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: the decompressors and the kernel image scanner
 * (libbtfx/image.h, internal): btfx_decompress with each codec (1 MiB
 * output cap), btfx_image_extract_vmlinux, and btfx_open's content
 * dispatch on anything that looks compressed or like a bzImage.
 */
#include "common.h"
#include "image.h"

#define OUT_CAP ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum btfx_codec det = btfx_codec_detect(data, size);
	struct btfx_error err;
	void *out;
	size_t out_size;
	int rc;

	fz_sink += strlen(btfx_codec_name(det));
	for (int c = BTFX_CODEC_GZIP; c <= BTFX_CODEC_ZSTD; c++) {
		if (c != (int)det && c != BTFX_CODEC_LZMA)
			continue;
		memset(&err, 0, sizeof(err));
		rc = btfx_decompress(NULL, (enum btfx_codec)c, data, size, OUT_CAP, &out, &out_size, &err);
		if (rc) {
			FZ_ASSERT(rc < 0 && out == NULL && out_size == 0, "failed decompress: rc %d, out %p", rc, out);
			fz_check_err(&err, "btfx_decompress");
			continue;
		}
		FZ_ASSERT(out != NULL, "decompress succeeded without output");
		FZ_ASSERT(out_size <= OUT_CAP, "decompressed %zu bytes past the %zu cap", out_size, OUT_CAP);
		if (out_size)
			fz_sink += ((uint8_t *)out)[out_size - 1];
		free(out);
	}

	memset(&err, 0, sizeof(err));
	rc = btfx_image_extract_vmlinux(NULL, data, size, &out, &out_size, &err);
	if (rc) {
		FZ_ASSERT(rc < 0 && out == NULL, "failed extract: rc %d", rc);
		fz_check_err(&err, "btfx_image_extract_vmlinux");
	} else {
		FZ_ASSERT(out != NULL && out_size >= 52 && !memcmp(out, "\177ELF", 4), "extracted %zu bytes, not an ELF",
			  out_size);
		free(out);
	}

	if (det != BTFX_CODEC_NONE || btfx_is_bzimage(data, size)) {
		struct fz_check_opts co = { .validated = true, .layouts = true, .max_types = 4096 };
		struct btfx *btf = fz_open(fz_file(data, size), &err);
		if (btf) {
			fz_check_btf(btf, &co);
			btfx_free(btf);
		}
	}
	return 0;
}
