#ifndef PARLEY_CLIBPQ_SHIM_H
#define PARLEY_CLIBPQ_SHIM_H

// libpq's public API; every function it declares is directly callable from Swift.
#include <libpq-fe.h>

#endif
