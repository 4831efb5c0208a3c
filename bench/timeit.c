/* SPDX-License-Identifier: MIT */
/*
 * Run a command as a whole process, repeatedly, and report its wall time.
 *
 *   timeit RUNS OK_CODES [<STDIN_FILE] -- COMMAND [ARGS...]
 *
 * OK_CODES is a comma list of exit statuses that count as success (e.g.
 * "0,4": xen-cpuid level says 4 when a pool is incompatible, which is an
 * answer, not a failure).  stdout/stderr go to /dev/null.  One warm-up run
 * is not counted.  Prints: median_ms min_ms max_ms peak_rss_kb
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static bool code_ok(const char *codes, int code)
{
    char buf[256], *tok, *save;

    snprintf(buf, sizeof(buf), "%s", codes);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (atoi(tok) == code)
            return true;
    return false;
}

static double run_once(char **cmd, const char *in, const char *codes,
                       long *rss)
{
    double t0 = now_ms(), t;
    struct rusage ru;
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        int fd = in ? open(in, O_RDONLY) : -1;

        dup2(null, 1);
        dup2(null, 2);
        if (fd >= 0)
            dup2(fd, 0);
        execvp(cmd[0], cmd);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
        perror("timeit");
        exit(5);
    }
    t = now_ms() - t0;
    if (!WIFEXITED(status) || !code_ok(codes, WEXITSTATUS(status))) {
        fprintf(stderr, "timeit: %s exited with status %d\n", cmd[0],
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        exit(5);
    }
    if (ru.ru_maxrss > *rss)
        *rss = ru.ru_maxrss;
    return t;
}

int main(int argc, char **argv)
{
    const char *in = NULL;
    int runs, i = 3;
    long rss = 0;
    double *ms;

    if (argc < 5) {
        fprintf(stderr, "usage: timeit RUNS OK_CODES [<FILE] -- CMD...\n");
        return 1;
    }
    runs = atoi(argv[1]);
    if (argv[i][0] == '<')
        in = argv[i++] + 1;
    if (strcmp(argv[i++], "--") || runs < 1)
        return 1;
    ms = calloc((size_t)runs, sizeof(*ms));
    if (!ms)
        return 5;
    run_once(argv + i, in, argv[2], &rss); /* warm-up: page cache, ld.so */
    for (int r = 0; r < runs; r++)
        ms[r] = run_once(argv + i, in, argv[2], &rss);
    qsort(ms, (size_t)runs, sizeof(*ms), cmp);
    printf("%.3f %.3f %.3f %ld\n", ms[runs / 2], ms[0], ms[runs - 1], rss);
    free(ms);
    return 0;
}
