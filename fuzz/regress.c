// SPDX-License-Identifier: BSD-2-Clause
/*
 * Replays inputs through a harness's LLVMFuzzerTestOneInput without
 * libFuzzer, so that `make check` (any compiler, optionally sanitizers)
 * runs the fuzz corpus as regression tests:
 *
 *   regress FILE|DIR...    every regular file, directories one level deep
 *
 * Prints "replayed N inputs" and exits 0; a crash, a sanitizer report or a
 * failed invariant (abort) ends it with the name of the input on stderr.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		fclose(f);
		return -1;
	}
	/* an exact-size heap copy, so that ASan sees reads past the input */
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || (n && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fprintf(stderr, "%s: read failed\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "replay %s\n", path);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t count = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			char **names = NULL;
			size_t nn = 0;
			if (!d) {
				perror(argv[i]);
				return 1;
			}
			while ((de = readdir(d))) {
				char **nb;
				if (de->d_name[0] == '.')
					continue;
				nb = realloc(names, (nn + 1) * sizeof(*names));
				if (!nb)
					return 1;
				names = nb;
				names[nn] = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
				if (!names[nn])
					return 1;
				sprintf(names[nn], "%s/%s", argv[i], de->d_name);
				nn++;
			}
			closedir(d);
			qsort(names, nn, sizeof(*names), cmp);
			for (size_t j = 0; j < nn; j++) {
				struct stat fst;
				if (!stat(names[j], &fst) && S_ISREG(fst.st_mode)) {
					if (run_file(names[j]))
						return 1;
					count++;
				}
				free(names[j]);
			}
			free(names);
		} else {
			if (run_file(argv[i]))
				return 1;
			count++;
		}
	}
	printf("replayed %zu inputs\n", count);
	return 0;
}
