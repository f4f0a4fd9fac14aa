// Every C shim defines _GNU_SOURCE first: MagickWand's headers do, and the system headers two
// modules share (sys/select.h's fd_set) must be seen with the same feature macros in each.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <stdint.h>
#include <tiffio.h>
#include <spandsp.h>
