/*
 * An LD_PRELOAD shim that makes writes fail with EIO, for the store's disk fault test
 * (Tests/BrickStoreTests/EIOShimTests.swift).
 *
 * Once the file named by BRICK_EIO_TRIGGER exists, every write, pwrite, writev,
 * fsync, fdatasync, ftruncate and fallocate on a file whose path starts with
 * BRICK_EIO_UNDER fails with EIO, as a failing disk makes them, or with the errno
 * number in BRICK_EIO_ERRNO (EDQUOT, 122 on Linux: a quota reached). BRICK_EIO_CALLS,
 * a comma-separated list of those calls' names ("fsync,fdatasync"), limits the failures
 * to them, and BRICK_EIO_PASS=N lets the first N calls that would fail go through (a
 * failure from the (N+1)th on). Built by the test:
 *   cc -shared -fPIC -o eio_shim.so eio_shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static int failing(int fd, const char *call) {
    const char *calls = getenv("BRICK_EIO_CALLS");
    if (calls) {
        size_t length = strlen(call);
        const char *at = calls;
        while ((at = strstr(at, call)) && !((at == calls || at[-1] == ',') && (at[length] == ',' || at[length] == 0))) at += length;
        if (!at) return 0;
    }
    const char *trigger = getenv("BRICK_EIO_TRIGGER");
    const char *under = getenv("BRICK_EIO_UNDER");
    if (!trigger || !under || access(trigger, F_OK) != 0) return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    if (strncmp(path, under, strlen(under)) != 0) return 0;
    static int passed;
    const char *pass = getenv("BRICK_EIO_PASS");
    return !pass || __atomic_fetch_add(&passed, 1, __ATOMIC_SEQ_CST) >= atoi(pass);
}

#define NEXT(name) static __typeof__(&name) real; if (!real) real = (__typeof__(&name))dlsym(RTLD_NEXT, #name)
static int failure(void) {
    const char *number = getenv("BRICK_EIO_ERRNO");
    return number && atoi(number) > 0 ? atoi(number) : EIO;
}

#define FAIL_IF(fd, call) do { if (failing(fd, #call)) { errno = failure(); return -1; } } while (0)

ssize_t write(int fd, const void *buf, size_t count) { NEXT(write); FAIL_IF(fd, write); return real(fd, buf, count); }
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) { NEXT(pwrite); FAIL_IF(fd, pwrite); return real(fd, buf, count, offset); }
ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) { NEXT(pwrite64); FAIL_IF(fd, pwrite64); return real(fd, buf, count, offset); }
ssize_t writev(int fd, const struct iovec *iov, int count) { NEXT(writev); FAIL_IF(fd, writev); return real(fd, iov, count); }
int fsync(int fd) { NEXT(fsync); FAIL_IF(fd, fsync); return real(fd); }
int fdatasync(int fd) { NEXT(fdatasync); FAIL_IF(fd, fdatasync); return real(fd); }
int ftruncate(int fd, off_t length) { NEXT(ftruncate); FAIL_IF(fd, ftruncate); return real(fd, length); }
int ftruncate64(int fd, off_t length) { NEXT(ftruncate64); FAIL_IF(fd, ftruncate64); return real(fd, length); }
int fallocate(int fd, int mode, off_t offset, off_t length) { NEXT(fallocate); FAIL_IF(fd, fallocate); return real(fd, mode, offset, length); }
int posix_fallocate(int fd, off_t offset, off_t length) { NEXT(posix_fallocate); if (failing(fd, "posix_fallocate")) return failure(); return real(fd, offset, length); }
