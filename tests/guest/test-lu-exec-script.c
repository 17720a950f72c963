/*
 * test-lu-exec-script.c - execve of a "#!" script whose interpreter is an
 * i386 program (this very test): the kernel runs "interp [arg] script
 * args...", with the rest of the #! line as one argument.  Under xlat the
 * interpreter must run under xlat too (not be handed to the host kernel).
 * Example line:  interp: argv0 test-lu-exec-script, [--as-interp  two words] [./s.sh] [a1]
 */
#include "guest.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1 && !strncmp(argv[1], "--as-interp", 11)) {
        const char *b = strrchr(argv[0], '/');
        printf("interp: argv0 %s,", b ? b + 1 : argv[0]);
        for (int i = 1; i < argc; i++)
            printf(" [%s]", argv[i]);
        printf("\n");
        return 7;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return 1;
    self[n] = 0;
    char line[4200];
    int l = snprintf(line, sizeof(line), "#!%s --as-interp  two words  \necho not reached\n", self);
    int fd = open("s.sh", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    if (fd < 0 || write(fd, line, (size_t)l) != l)
        return 1;
    close(fd);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *av[] = {"./s.sh", "a1", NULL};
        char *ev[] = {NULL};
        execve("./s.sh", av, ev);
        _exit(99);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("script exit %d\n", WEXITSTATUS(st));
    unlink("s.sh");
    return 0;
}
