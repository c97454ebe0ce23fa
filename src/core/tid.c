/* tid.c - the calling thread's worker index (see weir_tid in common.h). */
#include "weir/common.h"

_Thread_local unsigned weir_tid = 0;
