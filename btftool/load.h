/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * btftool load: the report of one load (running kernel or a VM), shared by
 * load.c (produces, renders) and vm.c (boots kernels, parses the guest's
 * JSON back into the same report and renders it the same way).
 */
#ifndef BTFTOOL_LOAD_H
#define BTFTOOL_LOAD_H
#include <stdbool.h>
#include <stddef.h>

struct out;

/* A CO-RE relocation explained: the one behind a poisoned instruction the
 * verifier tripped over, or one the engine could not decide. */
struct load_relo {
	long index;              /* relocation index in .BTF.ext order */
	char *section, *program; /* where it is */
	unsigned insn;           /* instruction index within program */
	char *kind, *spec;       /* "byte_off", local spec "[7] struct task_struct.pid (0:1 @ offset 4)" */
	char *file, *source;     /* line info (source text), may be NULL */
	unsigned line, col;
	char *target;            /* the target BTF it was decided against */
	char *reason;            /* the engine's words */
	char **explain;          /* candidate lines */
	size_t nexplain;
	char **hints;            /* near misses */
	size_t nhints;
};

enum load_status { LP_LOADED, LP_REJECTED, LP_ERROR, LP_SKIPPED };

struct load_prog {
	char *name, *section, *type;
	enum load_status status;
	unsigned insns;          /* instructions handed to the kernel */
	unsigned xlated, jited;  /* translated / JITed size in bytes */
	unsigned verified;       /* instructions the verifier processed */
	unsigned id;             /* kernel program id (0 after release) */
	int err;                 /* -errno of the failed load */
	char *message;           /* one line: why rejected / error */
	char *log;               /* verifier log (possibly only its tail) */
	bool log_truncated;
	long poison_insn;        /* verifier instruction index of the poisoned call, -1 */
	struct load_relo *relo;  /* explanation of that poisoned call, or NULL */
	char *pinned;            /* bpffs path, or NULL */
};

struct load_map {
	char *name, *type, *pinned;
};

/* btftool load --btf: one BTF file handed to BPF_BTF_LOAD */
struct load_btf {
	size_t bytes;
	enum load_status status;  /* LP_LOADED, LP_REJECTED (the kernel said no), LP_ERROR */
	int err;                  /* -errno of the refused load */
	char *message;            /* one line: the log's last line, or strerror */
	char *log;                /* the kernel's BTF verifier log (possibly only its tail) */
	bool log_truncated;
};

struct load_report {
	char *object, *target, *kernel; /* kernel: release (uname -r) */
	size_t nrelo, npoisoned;
	struct load_prog *progs;
	size_t nprogs;
	struct load_map *maps;
	size_t nmaps;
	struct load_relo *relo_errors;  /* undecidable relocations: nothing was loaded */
	size_t nrelo_errors;
	char *error;                    /* object-level error (exit 2) */
	char *note;                     /* e.g. why nothing was pinned */
	struct load_btf *btf;           /* --btf: the BTF load (no programs, maps, relocations) */
	int exit;                       /* 0 all loaded, 1 some rejected, 2 error */
};

void load_report_fini(struct load_report *r);
void load_relo_fini(struct load_relo *x);
/* log_lines: emit only the last N lines of verifier logs (0: all) */
void load_report_json(struct out *o, const struct load_report *r, unsigned log_lines);
void load_report_text(struct out *o, const struct load_report *r, const char *indent, unsigned log_lines);
const char *load_status_str(enum load_status s);

/* vm.c: boot every kernel image with the objects, run `btftool load` inside. */
struct vm_opts {
	const char **kernels;
	size_t nkernels;
	const char **objects;    /* loaded one after the other in each VM */
	size_t nobjects;
	const char *who;         /* command named in errors ("load", "core check") */
	bool json;
	unsigned timeout;        /* seconds per kernel */
	unsigned jobs;           /* parallel VMs, 0 = number of CPUs */
	const char *accel;       /* "auto", "kvm", "tcg" */
	const char *guest_btftool; /* static btftool for the initramfs, or NULL */
	unsigned memory;         /* MiB */
	unsigned log_lines;
	bool verbose;
	bool btf;                /* objects are BTF files: btftool load --btf inside */
};

enum vm_verdict { VM_PENDING, VM_OK, VM_REJECTED, VM_ERROR, VM_NOBTF, VM_PANIC, VM_TIMEOUT, VM_NOBOOT, VM_CRASH,
		  VM_BADOUT };
const char *vm_verdict_str(enum vm_verdict v);

/* One kernel's outcome. */
struct vm_kernel {
	const char *image;
	char *release;           /* uname -r in the guest, NULL if /init never ran */
	enum vm_verdict verdict; /* VM_OK / VM_REJECTED: every object has a report */
	char *message;           /* why, for the other verdicts */
	bool kvm;
	double seconds;          /* qemu start to result */
	char *console;           /* the serial console as read */
	struct load_report *reps; /* one per object, valid where have_rep[i] */
	bool *have_rep;
};

struct vm_results {
	struct vm_kernel *k;     /* one per kernel, in opts order; n == 0 after a setup error */
	size_t n, nobjects;
	char *note;              /* e.g. the KVM fallback */
};

/* Boot every kernel, load every object in each: 0 all loaded, 1 one
 * rejected, 2 a kernel without a verdict or an error (then res->n may be 0,
 * the error already printed). */
int vm_boot(const struct vm_opts *opts, struct vm_results *res);
void vm_results_fini(struct vm_results *res);
/* last n lines of a console, control sequences removed (malloc'ed) */
char *vm_console_tail(const char *con, unsigned n);
/* btftool load --kernel: vm_boot, then the report per kernel */
int vm_run(const struct vm_opts *opts);

/* one program of a report as a JSON object (load_report_json's element) */
void load_prog_json(struct out *o, const struct load_prog *p, unsigned log_lines);

/* helpers shared by load.c and vm.c */
char *load_strdup(const char *s); /* NULL-safe, aborts on ENOMEM */
#endif
