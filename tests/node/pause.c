// The sandbox ("pause") process of every Pod in the node tests: PID 1 of the Pod's namespaces.
// It does what Kubernetes' build/pause/linux/pause.c does: sleep until SIGTERM or SIGINT,
// and reap children reparented to it (it is the init of a shared PID namespace).
// Compiled with `gcc -static` by scripts/node-tools.sh; the image holds only this file.
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("nauthera-pause 1");
    return 0;
  }
  if (getpid() != 1) {
    fputs("pause: warning: not PID 1, children of others will not be reaped\n", stderr);
  }
  struct sigaction stop = {0};
  stop.sa_handler = on_stop;
  sigemptyset(&stop.sa_mask);
  if (sigaction(SIGINT, &stop, NULL) < 0 || sigaction(SIGTERM, &stop, NULL) < 0) return 1;
  struct sigaction child = {0};
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigemptyset(&child.sa_mask);
  if (sigaction(SIGCHLD, &child, NULL) < 0) return 2;
  for (;;) pause();
  return 42;
}
