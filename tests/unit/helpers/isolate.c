// SPDX-License-Identifier: BSD-2-Clause
/* Crash isolation for test bodies; see isolate.h. */
#include "isolate.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int isolate_run(int (*body)(void *arg), void *arg, char *why, size_t cap)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, cap, "fork failed");
		return ISOLATE_CRASHED;
	}
	if (pid == 0) {
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE };
		int rc;
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		rc = body(arg);
		fflush(NULL);
		_exit(rc ? ISOLATE_FAILED : 0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, cap, "waitpid failed");
		return ISOLATE_CRASHED;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, cap, "crashed: killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		return ISOLATE_CRASHED;
	}
	if (WEXITSTATUS(status) == 0)
		return 0;
	if (WEXITSTATUS(status) == ISOLATE_FAILED) {
		snprintf(why, cap, "failed");
		return ISOLATE_FAILED;
	}
	snprintf(why, cap, "crashed: exit status %d (sanitizer abort? see the report above)", WEXITSTATUS(status));
	return ISOLATE_CRASHED;
}

void *isolate_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();
	memset(p, 0, size);
	return p;
}
