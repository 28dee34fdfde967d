// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel images and compressed payloads.
 *
 * Every decoder writes straight into one growing output buffer (struct
 * obuf) that is sized from a hint when the format gives one (the 4-byte
 * size the kernel appends to its payload, zstd's frame content size,
 * gzip's ISIZE) and otherwise grows geometrically.  Output is capped; a
 * decoder stops at the end of its stream and ignores what follows.
 * All input access is bounds-checked and every decode loop must either
 * consume input or produce output on each turn, else it fails.
 */
#define ZLIB_CONST
#include "image.h"

#include <bzlib.h>
#include <errno.h>
#include <limits.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define VMLINUX_MAX_OUT ((size_t)1 << 30)  /* cap on a decompressed vmlinux */
#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_LEGACY_BLOCK ((size_t)8 << 20) /* max decompressed legacy block */
#define LZMA_MEMLIMIT ((uint64_t)512 << 20) /* kernel uses 32-64 MiB dicts */
#define ZSTD_WINDOWLOG_MAX 28               /* kernel's zstd -22 uses 27 */
#define PROBE_STEP 4096         /* output per step until the ELF magic is seen */
#define SCAN_MAX_TRIES 4096     /* candidate payloads tried by the scanner */
#define MIN_INITIAL_CAP ((size_t)64 << 10)
#define HINT_SLACK ((size_t)64 << 10)

static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* ------------------------------------------------------------------ */
/* Codec detection                                                     */
/* ------------------------------------------------------------------ */

enum btfx_codec btfx_codec_detect(const void *data, size_t size)
{
	const uint8_t *p = data;

	if (!p || size < 3)
		return BTFX_CODEC_NONE;
	switch (p[0]) {
	case 0x1f:
		if (p[1] == 0x8b && p[2] == 0x08)
			return BTFX_CODEC_GZIP;
		break;
	case 'B':
		if (size >= 4 && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
			return BTFX_CODEC_BZIP2;
		break;
	case 0xfd:
		if (size >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
			return BTFX_CODEC_XZ;
		break;
	case 0x5d:
		if (p[1] == 0 && p[2] == 0)
			return BTFX_CODEC_LZMA;
		break;
	case 0x02:
		if (size >= 4 && le32(p) == LZ4_LEGACY_MAGIC)
			return BTFX_CODEC_LZ4_LEGACY;
		break;
	case 0x04:
		if (size >= 4 && le32(p) == 0x184D2204u)
			return BTFX_CODEC_LZ4_FRAME;
		break;
	case 0x28:
		if (size >= 4 && le32(p) == 0xFD2FB528u)
			return BTFX_CODEC_ZSTD;
		break;
	}
	return BTFX_CODEC_NONE;
}

const char *btfx_codec_name(enum btfx_codec c)
{
	switch (c) {
	case BTFX_CODEC_NONE: return "none";
	case BTFX_CODEC_GZIP: return "gzip";
	case BTFX_CODEC_BZIP2: return "bzip2";
	case BTFX_CODEC_XZ: return "xz";
	case BTFX_CODEC_LZMA: return "lzma";
	case BTFX_CODEC_LZ4_LEGACY: return "lz4-legacy";
	case BTFX_CODEC_LZ4_FRAME: return "lz4";
	case BTFX_CODEC_ZSTD: return "zstd";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Output buffer                                                       */
/* ------------------------------------------------------------------ */

struct obuf {
	uint8_t *p;
	size_t len, cap;
	size_t max;     /* caller's cap on the output */
	size_t limit;   /* max + 1 (saturating): producing that much is an error */
	size_t initial; /* first allocation */
	bool probe;     /* output must start with the ELF magic; small steps until seen */
};

/* Decoder failure details, turned into a btfx_error by the caller. */
struct dres {
	size_t at;      /* input offset (relative to the stream) of the failure */
	bool elf;       /* the output started with the ELF magic */
	char why[200];
};

static void ob_init(struct obuf *ob, size_t max, size_t in_size, uint64_t hint, bool probe)
{
	memset(ob, 0, sizeof(*ob));
	ob->max = max;
	ob->limit = max == SIZE_MAX ? SIZE_MAX : max + 1;
	ob->probe = probe;
	if (probe) {
		ob->initial = MIN_INITIAL_CAP;
	} else if (hint && hint <= max && hint / 4096 <= in_size) {
		/* plausible size hint; slack lets the decoder see its end marker */
		ob->initial = (size_t)hint + HINT_SLACK;
	} else {
		ob->initial = in_size > SIZE_MAX / 4 ? SIZE_MAX : in_size * 4;
		if (ob->initial < MIN_INITIAL_CAP)
			ob->initial = MIN_INITIAL_CAP;
	}
	if (ob->initial > ob->limit)
		ob->initial = ob->limit;
}

/* Make at least want bytes (want <= limit - len) available after len. */
static int ob_reserve(struct obuf *ob, size_t want)
{
	size_t ncap;
	uint8_t *np;

	if (ob->cap - ob->len >= want)
		return 0;
	if (want > ob->limit - ob->len)
		return -EFBIG;
	if (!ob->cap)
		ncap = ob->initial;
	else
		ncap = ob->cap > SIZE_MAX / 2 ? SIZE_MAX : ob->cap * 2;
	if (ncap - ob->len < want)
		ncap = ob->len + want;
	if (ncap > ob->limit)
		ncap = ob->limit;
	np = realloc(ob->p, ncap ? ncap : 1);
	if (!np)
		return -ENOMEM;
	ob->p = np;
	ob->cap = ncap;
	return 0;
}

/* Where the decoder may write next and how much. */
static int ob_space(struct obuf *ob, uint8_t **dst, size_t *avail)
{
	if (ob->len == ob->cap) {
		if (ob->len >= ob->limit)
			return -EFBIG;
		int rc = ob_reserve(ob, 1);
		if (rc)
			return rc;
	}
	*dst = ob->p + ob->len;
	*avail = ob->cap - ob->len;
	if (ob->probe && *avail > PROBE_STEP)
		*avail = PROBE_STEP;
	return 0;
}

static int ob_commit(struct obuf *ob, size_t n)
{
	ob->len += n;
	if (ob->probe && ob->len >= sizeof(elf_magic)) {
		if (memcmp(ob->p, elf_magic, sizeof(elf_magic)))
			return -ENOEXEC;
		ob->probe = false;
	}
	if (ob->len > ob->max)
		return -EFBIG;
	return 0;
}

static void ob_free(struct obuf *ob)
{
	free(ob->p);
	ob->p = NULL;
	ob->len = ob->cap = 0;
}

static int dfail(struct dres *r, int errnum, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int dfail(struct dres *r, int errnum, size_t at, const char *fmt, ...)
{
	va_list ap;

	r->at = at;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return -errnum;
}

/* Failure reported by the output buffer. */
static int ob_fail(struct dres *r, const struct obuf *ob, int rc, size_t at)
{
	switch (rc) {
	case -EFBIG:
		return dfail(r, EFBIG, at, "decompressed size exceeds the limit of %zu bytes", ob->max);
	case -ENOEXEC:
		return dfail(r, ENOEXEC, at, "decompressed data does not start with an ELF header");
	case -ENOMEM:
		return dfail(r, ENOMEM, at, "out of memory for %zu bytes of output", ob->cap);
	}
	return dfail(r, -rc, at, "output error %d", rc);
}

/* A turn consumed and produced nothing. */
static int no_progress(struct dres *r, size_t pos, size_t n)
{
	if (pos >= n)
		return dfail(r, EBADMSG, pos, "truncated: input ends before the end of the stream");
	return dfail(r, EBADMSG, pos, "decoder makes no progress (corrupt data)");
}

/* ------------------------------------------------------------------ */
/* Decoders                                                            */
/* ------------------------------------------------------------------ */

static int dec_gzip(const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	z_stream zs;
	size_t pos = 0;
	int rc, zr;

	memset(&zs, 0, sizeof(zs));
	zr = inflateInit2(&zs, 16 + MAX_WBITS); /* gzip wrapper only */
	if (zr != Z_OK)
		return dfail(r, ENOMEM, 0, "cannot initialise zlib: %s", zError(zr));
	for (;;) {
		uint8_t *dst;
		size_t avail, in_avail, used, made;

		rc = ob_space(ob, &dst, &avail);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (avail > UINT_MAX)
			avail = UINT_MAX;
		in_avail = n - pos > UINT_MAX ? UINT_MAX : n - pos;
		zs.next_in = in + pos;
		zs.avail_in = (uInt)in_avail;
		zs.next_out = dst;
		zs.avail_out = (uInt)avail;
		zr = inflate(&zs, Z_NO_FLUSH);
		used = in_avail - zs.avail_in;
		made = avail - zs.avail_out;
		pos += used;
		rc = ob_commit(ob, made);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_MEM_ERROR) {
			rc = dfail(r, ENOMEM, pos, "zlib: out of memory");
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = dfail(r, EBADMSG, pos, "corrupt data: %s", zs.msg ? zs.msg : zError(zr));
			break;
		}
		if (!used && !made) {
			rc = no_progress(r, pos, n);
			break;
		}
	}
	inflateEnd(&zs);
	return rc;
}

static int dec_bzip2(const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	bz_stream bs;
	size_t pos = 0;
	int rc, br;

	memset(&bs, 0, sizeof(bs));
	br = BZ2_bzDecompressInit(&bs, 0, 0);
	if (br != BZ_OK)
		return dfail(r, ENOMEM, 0, "cannot initialise bzip2 (error %d)", br);
	for (;;) {
		uint8_t *dst;
		size_t avail, in_avail, used, made;

		rc = ob_space(ob, &dst, &avail);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (avail > UINT_MAX)
			avail = UINT_MAX;
		in_avail = n - pos > UINT_MAX ? UINT_MAX : n - pos;
		bs.next_in = (char *)(uintptr_t)(in + pos); /* bzlib never writes input */
		bs.avail_in = (unsigned)in_avail;
		bs.next_out = (char *)dst;
		bs.avail_out = (unsigned)avail;
		br = BZ2_bzDecompress(&bs);
		used = in_avail - bs.avail_in;
		made = avail - bs.avail_out;
		pos += used;
		rc = ob_commit(ob, made);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (br == BZ_STREAM_END)
			break;
		if (br == BZ_MEM_ERROR) {
			rc = dfail(r, ENOMEM, pos, "bzip2: out of memory");
			break;
		}
		if (br != BZ_OK) {
			rc = dfail(r, EBADMSG, pos, "corrupt data (bzip2 error %d)", br);
			break;
		}
		if (!used && !made) {
			rc = no_progress(r, pos, n);
			break;
		}
	}
	BZ2_bzDecompressEnd(&bs);
	return rc;
}

static const char *lzma_ret_str(lzma_ret lr)
{
	switch (lr) {
	case LZMA_FORMAT_ERROR: return "not a valid stream header";
	case LZMA_OPTIONS_ERROR: return "unsupported compression options";
	case LZMA_DATA_ERROR: return "corrupt data";
	case LZMA_BUF_ERROR: return "truncated or corrupt data";
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "needs too much memory (corrupt header?)";
	case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
	default: return "decoder error";
	}
}

static int dec_lzma(bool xz, const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_ret lr;
	size_t pos = 0;
	int rc;

	/* Without LZMA_CONCATENATED the .xz decoder stops after one stream. */
	lr = xz ? lzma_stream_decoder(&ls, LZMA_MEMLIMIT, 0) : lzma_alone_decoder(&ls, LZMA_MEMLIMIT);
	if (lr != LZMA_OK)
		return dfail(r, ENOMEM, 0, "cannot initialise liblzma: %s", lzma_ret_str(lr));
	for (;;) {
		uint8_t *dst;
		size_t avail, used, made;

		rc = ob_space(ob, &dst, &avail);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		ls.next_in = in + pos;
		ls.avail_in = n - pos;
		ls.next_out = dst;
		ls.avail_out = avail;
		/* All the input is always given, so FINISH: truncation is reported. */
		lr = lzma_code(&ls, LZMA_FINISH);
		used = (n - pos) - ls.avail_in;
		made = avail - ls.avail_out;
		pos += used;
		rc = ob_commit(ob, made);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (lr == LZMA_STREAM_END)
			break;
		if (lr == LZMA_MEM_ERROR) {
			rc = dfail(r, ENOMEM, pos, "liblzma: out of memory");
			break;
		}
		if (lr == LZMA_BUF_ERROR && pos >= n) {
			rc = no_progress(r, pos, n);
			break;
		}
		if (lr != LZMA_OK && lr != LZMA_BUF_ERROR) {
			rc = dfail(r, EBADMSG, pos, "%s", lzma_ret_str(lr));
			break;
		}
		if (!used && !made) {
			rc = no_progress(r, pos, n);
			break;
		}
	}
	lzma_end(&ls);
	return rc;
}

static int dec_zstd(const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	ZSTD_DCtx *dctx;
	unsigned long long fcs;
	size_t pos = 0, zr;
	int rc = 0;

	dctx = ZSTD_createDCtx();
	if (!dctx)
		return dfail(r, ENOMEM, 0, "cannot create a zstd context");
	zr = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, ZSTD_WINDOWLOG_MAX);
	if (ZSTD_isError(zr)) {
		rc = dfail(r, EINVAL, 0, "zstd: %s", ZSTD_getErrorName(zr));
		goto out;
	}

	/* Known content size: one-shot decode of exactly the first frame. */
	fcs = ZSTD_getFrameContentSize(in, n);
	if (!ob->probe && fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != ZSTD_CONTENTSIZE_ERROR) {
		size_t csize = ZSTD_findFrameCompressedSize(in, n);

		if (fcs > ob->max) {
			rc = dfail(r, EFBIG, 0, "frame content size %llu exceeds the limit of %zu bytes",
				   fcs, ob->max);
			goto out;
		}
		if (!ZSTD_isError(csize) && csize <= n) {
			ob->initial = (size_t)fcs ? (size_t)fcs : 1;
			rc = ob_reserve(ob, (size_t)fcs);
			if (rc) {
				rc = ob_fail(r, ob, rc, 0);
				goto out;
			}
			zr = ZSTD_decompressDCtx(dctx, ob->p, (size_t)fcs, in, csize);
			if (ZSTD_isError(zr)) {
				rc = dfail(r, EBADMSG, 0, "corrupt data: %s", ZSTD_getErrorName(zr));
				goto out;
			}
			if (zr != fcs) {
				rc = dfail(r, EBADMSG, csize, "frame decodes to %zu bytes, header says %llu",
					   zr, fcs);
				goto out;
			}
			rc = ob_commit(ob, zr);
			if (rc)
				rc = ob_fail(r, ob, rc, csize);
			goto out;
		}
		/* truncated or corrupt frame: the streaming decoder says where */
	}

	for (;;) {
		ZSTD_inBuffer ib;
		ZSTD_outBuffer obf;
		uint8_t *dst;
		size_t avail;

		rc = ob_space(ob, &dst, &avail);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		ib.src = in + pos;
		ib.size = n - pos;
		ib.pos = 0;
		obf.dst = dst;
		obf.size = avail;
		obf.pos = 0;
		zr = ZSTD_decompressStream(dctx, &obf, &ib);
		if (ib.pos > n - pos)  /* never trust a library past our bounds */
			ib.pos = n - pos;
		pos += ib.pos;
		if (ZSTD_isError(zr)) {
			rc = dfail(r, EBADMSG, pos, "corrupt data: %s", ZSTD_getErrorName(zr));
			break;
		}
		rc = ob_commit(ob, obf.pos);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (zr == 0)  /* frame decoded and flushed */
			break;
		if (!ib.pos && !obf.pos) {
			rc = no_progress(r, pos, n);
			break;
		}
	}
out:
	ZSTD_freeDCtx(dctx);
	return rc;
}

static int dec_lz4_frame(const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	LZ4F_dctx *dctx = NULL;
	LZ4F_errorCode_t lr;
	size_t pos = 0;
	int rc;

	lr = LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION);
	if (LZ4F_isError(lr))
		return dfail(r, ENOMEM, 0, "cannot create an lz4 context: %s", LZ4F_getErrorName(lr));
	for (;;) {
		uint8_t *dst;
		size_t avail, src_size, dst_size;

		rc = ob_space(ob, &dst, &avail);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		src_size = n - pos;
		dst_size = avail;
		lr = LZ4F_decompress(dctx, dst, &dst_size, in + pos, &src_size, NULL);
		if (src_size > n - pos)
			src_size = n - pos;
		pos += src_size;
		if (LZ4F_isError(lr)) {
			rc = dfail(r, EBADMSG, pos, "corrupt data: %s", LZ4F_getErrorName(lr));
			break;
		}
		rc = ob_commit(ob, dst_size);
		if (rc) {
			rc = ob_fail(r, ob, rc, pos);
			break;
		}
		if (lr == 0)  /* frame fully decoded */
			break;
		if (!src_size && !dst_size) {
			rc = no_progress(r, pos, n);
			break;
		}
	}
	LZ4F_freeDecompressionContext(dctx);
	return rc;
}

/*
 * lz4 legacy (lz4 -l, as the kernel uses): magic, then blocks of
 * <le32 compressed size><data>, each decoding to at most 8 MiB.  Further
 * magics may start new frames.  The stream ends at EOF or at a size field
 * that cannot be a block: the kernel appends the le32 decompressed size
 * after its payload.
 */
static int dec_lz4_legacy(const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	const size_t bound = (size_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK);
	size_t pos = 4, blocks = 0;
	int rc;

	if (n < 4 || le32(in) != LZ4_LEGACY_MAGIC)
		return dfail(r, EBADMSG, 0, "no lz4 legacy magic");
	for (;;) {
		size_t rem = n - pos, avail;
		uint32_t cs;
		int d;

		if (rem < 4) {
			if (blocks)
				break;
			return dfail(r, EBADMSG, pos, "truncated: no block after the lz4 legacy magic");
		}
		cs = le32(in + pos);
		if (cs == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (cs == 0 || cs > bound) {
			if (blocks)  /* appended size or other trailing data */
				break;
			return dfail(r, EBADMSG, pos, "invalid lz4 legacy block size %u", cs);
		}
		if (cs > rem - 4) {
			if (blocks && rem == 4)  /* appended size that looks like a block size */
				break;
			return dfail(r, EBADMSG, pos,
				     "truncated: lz4 block of %u bytes but only %zu bytes left", cs, rem - 4);
		}
		avail = ob->limit - ob->len;
		if (avail > LZ4_LEGACY_BLOCK)
			avail = LZ4_LEGACY_BLOCK;
		if (!avail)
			return ob_fail(r, ob, -EFBIG, pos);
		rc = ob_reserve(ob, avail);
		if (rc)
			return ob_fail(r, ob, rc, pos);
		d = LZ4_decompress_safe((const char *)in + pos + 4, (char *)ob->p + ob->len, (int)cs,
					(int)avail);
		if (d < 0) {
			if (avail < LZ4_LEGACY_BLOCK)
				return dfail(r, EFBIG, pos,
					     "corrupt lz4 block, or output exceeds the limit of %zu bytes",
					     ob->max);
			return dfail(r, EBADMSG, pos, "corrupt lz4 block (%u bytes)", cs);
		}
		pos += 4 + (size_t)cs;
		blocks++;
		rc = ob_commit(ob, (size_t)d);
		if (rc)
			return ob_fail(r, ob, rc, pos);
	}
	return 0;
}

/* Decode one stream of codec c; on success ob holds the output. */
static int decode(enum btfx_codec c, const uint8_t *in, size_t n, struct obuf *ob, struct dres *r)
{
	int rc;

	switch (c) {
	case BTFX_CODEC_GZIP: rc = dec_gzip(in, n, ob, r); break;
	case BTFX_CODEC_BZIP2: rc = dec_bzip2(in, n, ob, r); break;
	case BTFX_CODEC_XZ: rc = dec_lzma(true, in, n, ob, r); break;
	case BTFX_CODEC_LZMA: rc = dec_lzma(false, in, n, ob, r); break;
	case BTFX_CODEC_LZ4_LEGACY: rc = dec_lz4_legacy(in, n, ob, r); break;
	case BTFX_CODEC_LZ4_FRAME: rc = dec_lz4_frame(in, n, ob, r); break;
	case BTFX_CODEC_ZSTD: rc = dec_zstd(in, n, ob, r); break;
	default: return dfail(r, EINVAL, 0, "unknown codec %d", (int)c);
	}
	if (!rc && ob->probe)  /* ended before 4 bytes of output */
		rc = ob_fail(r, ob, -ENOEXEC, n);
	return rc;
}

/* Hand the output over: shrink to fit (never NULL on success). */
static int ob_finish(struct obuf *ob, void **out, size_t *out_size)
{
	uint8_t *np = ob->p;

	if (!np || ob->cap - ob->len > ob->len / 16 + 4096) {
		np = realloc(ob->p, ob->len ? ob->len : 1);
		if (!np)
			np = ob->p;  /* keep the larger block */
		if (!np)
			return -ENOMEM;
	}
	*out = np;
	*out_size = ob->len;
	ob->p = NULL;
	return 0;
}

static const char *pname(const char *path)
{
	return path ? path : "(memory)";
}

static int report(struct btfx_error *err, const char *path, enum btfx_codec c, size_t base,
		  int rc, const struct dres *r)
{
	enum btfx_errc code = rc == -ENOMEM ? BTFX_E_NOMEM : BTFX_E_IMAGE;

	return btfx_set_err(err, code, -rc, 0, (int64_t)(base + r->at),
			    "%s: %s data at offset %#zx: %s (at offset %#zx)", pname(path),
			    btfx_codec_name(c), base, r->why, base + r->at);
}

static uint64_t gzip_isize_hint(const uint8_t *p, size_t size)
{
	return size >= 18 ? le32(p + size - 4) : 0;
}

int btfx_decompress(const char *path, enum btfx_codec c, const void *data, size_t size,
		    size_t max_out, void **out, size_t *out_size, struct btfx_error *err)
{
	const uint8_t *in = data;
	struct obuf ob;
	struct dres r;
	uint64_t hint = 0;
	int rc;

	if (out)
		*out = NULL;
	if (out_size)
		*out_size = 0;
	if (!out || !out_size || (!data && size))
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1,
				    "%s: btfx_decompress: invalid arguments", pname(path));
	if (c == BTFX_CODEC_NONE || (int)c < 0 || c > BTFX_CODEC_ZSTD)
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1,
				    "%s: cannot decompress: no or unknown codec (%d)", pname(path), (int)c);
	if (btfx_codec_detect(in, size) != c && !(c == BTFX_CODEC_LZMA && size >= 1))
		return btfx_set_err(err, BTFX_E_IMAGE, EBADMSG, 0, 0,
				    "%s: not %s data (no %s magic at offset 0)", pname(path),
				    btfx_codec_name(c), btfx_codec_name(c));
	if (c == BTFX_CODEC_GZIP)
		hint = gzip_isize_hint(in, size);
	ob_init(&ob, max_out, size, hint, false);
	memset(&r, 0, sizeof(r));
	rc = decode(c, in, size, &ob, &r);
	if (rc) {
		ob_free(&ob);
		return report(err, path, c, 0, rc, &r);
	}
	if (ob_finish(&ob, out, out_size))
		return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "%s: out of memory", pname(path));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Kernel images                                                       */
/* ------------------------------------------------------------------ */

bool btfx_is_bzimage(const void *data, size_t size)
{
	const uint8_t *p = data;

	return p && size >= 0x206 && !memcmp(p + 0x202, "HdrS", 4);
}

/*
 * A complete ELF header whose section header table lies within size
 * (catches truncated output of formats without an end marker).
 */
static bool elf_complete(const uint8_t *p, size_t size, uint64_t *need)
{
	uint64_t shoff, shnum, shentsize, end;
	bool le;

	*need = 0;
	if (size < 52 || memcmp(p, elf_magic, 4))
		return false;
	le = p[5] != 2; /* EI_DATA: 1 little, 2 big */
#define RD16(o) (le ? (uint64_t)p[o] | (uint64_t)p[(o) + 1] << 8 : (uint64_t)p[(o) + 1] | (uint64_t)p[o] << 8)
#define RD32(o) (RD16(le ? (o) : (o) + 2) | RD16(le ? (o) + 2 : (o)) << 16)
	if (p[4] == 2) { /* ELFCLASS64 */
		if (size < 64)
			return false;
		shoff = RD32(le ? 0x28 : 0x2c) | RD32(le ? 0x2c : 0x28) << 32;
		shentsize = RD16(0x3a);
		shnum = RD16(0x3c);
	} else if (p[4] == 1) {
		shoff = RD32(0x20);
		shentsize = RD16(0x2e);
		shnum = RD16(0x30);
	} else {
		return false;
	}
#undef RD32
#undef RD16
	if (!shoff)
		return true;
	if (!shnum)  /* extended numbering: at least entry 0 */
		shnum = 1;
	if (shoff > UINT64_MAX - shnum * shentsize)
		return false;
	end = shoff + shnum * shentsize;
	*need = end;
	return end <= size;
}

/* Decode a candidate and check the result is a whole ELF file. */
static int try_payload(const uint8_t *in, size_t n, enum btfx_codec c, uint64_t hint, bool probe,
		       struct obuf *ob, struct dres *r)
{
	uint64_t need;
	int rc;

	ob_init(ob, VMLINUX_MAX_OUT, n, hint, probe);
	rc = decode(c, in, n, ob, r);
	if (!rc && !elf_complete(ob->p, ob->len, &need)) {
		if (ob->len < 4 || memcmp(ob->p, elf_magic, 4))
			rc = dfail(r, ENOEXEC, n, "decompressed %zu bytes that are not an ELF file", ob->len);
		else
			rc = dfail(r, EBADMSG, n,
				   "decompressed ELF is incomplete: %zu bytes, section headers end at %llu",
				   ob->len, (unsigned long long)need);
	}
	r->elf = ob->len >= 4 && !memcmp(ob->p, elf_magic, 4);
	if (rc)
		ob_free(ob);
	return rc;
}

/* Candidate payload offset of a bzImage, or false if the header is unusable. */
static bool bzimage_payload(const uint8_t *p, size_t size, size_t *off, size_t *len)
{
	uint64_t setup_sects, start, plen;

	if (!btfx_is_bzimage(p, size) || size < 0x250)
		return false;
	if (le16(p + 0x206) < 0x208)
		return false;
	setup_sects = p[0x1f1] ? p[0x1f1] : 4;
	start = (setup_sects + 1) * 512 + le32(p + 0x248);
	plen = le32(p + 0x24c);
	if (start >= size || plen < 8 || plen > size - start)
		return false;
	*off = (size_t)start;
	*len = (size_t)plen;
	return true;
}

int btfx_image_extract_vmlinux(const char *path, const void *data, size_t size,
			       void **out, size_t *out_size, struct btfx_error *err)
{
	const uint8_t *p = data;
	struct obuf ob;
	struct dres r;
	size_t off, len, pos, tries = 0;
	enum btfx_codec c;
	int rc;

	if (out)
		*out = NULL;
	if (out_size)
		*out_size = 0;
	if (!out || !out_size || (!data && size))
		return btfx_set_err(err, BTFX_E_USAGE, EINVAL, 0, -1,
				    "%s: btfx_image_extract_vmlinux: invalid arguments", pname(path));
	memset(&r, 0, sizeof(r));

	/* bzImage: the setup header says where the payload is. */
	if (bzimage_payload(p, size, &off, &len)) {
		c = btfx_codec_detect(p + off, len);
		if (c != BTFX_CODEC_NONE) {
			/* the kernel appends the le32 decompressed size to its payload */
			rc = try_payload(p + off, len, c, le32(p + off + len - 4), false, &ob, &r);
			if (rc)
				return report(err, path, c, off, rc, &r);
			if (ob_finish(&ob, out, out_size))
				return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "%s: out of memory",
						    pname(path));
			return 0;
		}
	}

	/* Anything else: try each compressed stream magic in file order. */
	for (pos = 0; pos + 3 <= size; pos++) {
		c = btfx_codec_detect(p + pos, size - pos);
		if (c == BTFX_CODEC_NONE || c == BTFX_CODEC_LZ4_FRAME)
			continue;
		if (++tries > SCAN_MAX_TRIES)
			return btfx_set_err(err, BTFX_E_IMAGE, ENOEXEC, 0, (int64_t)pos,
					    "%s: no compressed vmlinux found: gave up after %d candidate "
					    "streams (at offset %#zx)", pname(path), SCAN_MAX_TRIES, pos);
		rc = try_payload(p + pos, size - pos, c, 0, true, &ob, &r);
		if (!rc) {
			if (ob_finish(&ob, out, out_size))
				return btfx_set_err(err, BTFX_E_NOMEM, ENOMEM, 0, -1, "%s: out of memory",
						    pname(path));
			return 0;
		}
		/* It decoded to an ELF start, so this is the vmlinux, but broken. */
		if (r.elf || rc == -ENOMEM)
			return report(err, path, c, pos, rc, &r);
	}
	return btfx_set_err(err, BTFX_E_IMAGE, ENOEXEC, 0, -1,
			    "%s: no compressed vmlinux found (%s; %zu candidate streams tried, "
			    "none decompressed to an ELF file)",
			    pname(path), btfx_is_bzimage(p, size) ? "bzImage header unusable" :
			    "not a bzImage", tries);
}
