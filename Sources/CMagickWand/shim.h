// MagickCore's magick-baseconfig.h defines _GNU_SOURCE. Were that the first word glibc's
// <features.h> saw in this module, fd_set (sys/select.h) would be declared with other member
// names than in every other C module of the build (Dispatch, CMariaDB, CSpanDSP), and clang
// refuses the mismatch. Including the system headers first settles the feature macros as the
// other modules have them.
#include <sys/types.h>
#include <sys/select.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#ifndef MAGICKCORE_QUANTUM_DEPTH
#define MAGICKCORE_QUANTUM_DEPTH 16
#endif
#ifndef MAGICKCORE_HDRI_ENABLE
#define MAGICKCORE_HDRI_ENABLE 0
#endif
#include <wand/MagickWand.h>
