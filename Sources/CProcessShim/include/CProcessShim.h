#ifndef PAGEWIRE_CPROCESSSHIM_H
#define PAGEWIRE_CPROCESSSHIM_H

/// Asks the kernel to send `signal` to this process when its parent dies (Linux prctl
/// PR_SET_PDEATHSIG; prctl is variadic, so Swift cannot call it directly). Returns 0 or -1.
int pw_set_parent_death_signal(int signal);

/// pipe2(O_CLOEXEC [| O_NONBLOCK]): GNU extensions Glibc's Swift overlay does not show.
int pw_pipe_cloexec(int fds[2], int nonblocking);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC; -1 with errno (EAGAIN when another worker won).
int pw_accept_nonblocking(int listen_fd);

#endif
