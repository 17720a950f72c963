/*
 * test-pcache-fds.c - the translator keeps no descriptor of its own open
 * while the guest runs: programs list their open descriptors (Python's
 * test_subprocess checks that a child has exactly the ones it passed).
 * xlat's persistent translation cache (src/exec/pcache.c) reads and writes
 * its files with descriptors opened for each access only.  Prints the
 * descriptors below 20000 that are open, after running enough code to need
 * translations (or loads from the cache) and again after a fork.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void print_open_fds(const char *when)
{
    printf("%s:", when);
    for (int fd = 0; fd < 20000; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            printf(" %d", fd);
    printf("\n");
    fflush(stdout);
}

/* Some code of its own to translate. */
static unsigned work(unsigned n)
{
    unsigned h = 2166136261u;
    for (unsigned i = 0; i < n; i++)
        h = (h ^ i) * 16777619u + (i % 7 ? i >> 3 : i << 5);
    return h;
}

int main(void)
{
    print_open_fds("start");
    printf("work %08x\n", work(100000));
    print_open_fds("after work");
    pid_t pid = fork();
    if (pid == 0) {
        printf("child work %08x\n", work(1000));
        print_open_fds("child");
        exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    print_open_fds("parent after child");
    return 0;
}
